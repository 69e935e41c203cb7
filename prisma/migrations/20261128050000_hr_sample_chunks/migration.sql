-- hr_sample_chunks: each athlete's samples of one minute of a class, packed
-- four bytes a sample (offset in the minute in ms as uint16, bpm as uint8,
-- the max HR of the sample as uint8 with 0 for none), written by the heart-rate
-- projection in the same transaction as the rows of hr_samples it adds. The
-- summary and the bucketed heart-rate series read a class as 60 rows an athlete
-- an hour instead of 3600, which is what keeps them fast. hr_samples stays
-- the record of every sample (raw series, CSV, rr intervals).
-- Plain statements only (see 20261128010000_hr_samples_storage).

CREATE TABLE "hr_sample_chunks" (
    "session_id" TEXT NOT NULL,
    "participant_id" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "samples" BYTEA NOT NULL,

    CONSTRAINT "hr_sample_chunks_pkey" PRIMARY KEY ("session_id","participant_id","minute")
);

-- The samples stored so far, packed the same way.
INSERT INTO "hr_sample_chunks" ("session_id", "participant_id", "minute", "samples")
SELECT "session_id", "participant_id", date_trunc('minute', "ts") AS "minute",
       string_agg(
         substring(int4send((round(date_part('epoch', "ts") * 1000) - round(date_part('epoch', date_trunc('minute', "ts")) * 1000))::int) FROM 3 FOR 2)
           || substring(int4send("bpm"::int) FROM 4 FOR 1)
           || substring(int4send(coalesce("max_hr", 0)::int) FROM 4 FOR 1),
         ''::bytea ORDER BY "ts")
FROM "hr_samples"
GROUP BY 1, 2, 3;
