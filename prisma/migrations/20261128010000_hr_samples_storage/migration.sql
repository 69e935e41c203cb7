-- hr_samples becomes a table partitioned by month of ts (UTC), for a year and
-- more of a busy studio (about 2 M rows a day): old months are dropped whole
-- instead of deleted row by row, vacuum and index builds work on one month at
-- a time, and a month's index stays small. Reads are per class through the
-- primary key, which every partition carries. See docs/history-storage.md.
--
-- Plain statements only: this runs inside one transaction (no CONCURRENTLY),
-- and prisma migrate deploy through the driver adapter splits a script at
-- every semicolon, so no function bodies here and none in comments either.
-- The month partitions are made by the heart-rate projection, before each
-- batch, in apps/api/src/projections/hr-sample-partitions.ts.

ALTER TABLE "hr_samples" RENAME TO "hr_samples_unpartitioned";

ALTER TABLE "hr_samples_unpartitioned" RENAME CONSTRAINT "hr_samples_pkey" TO "hr_samples_unpartitioned_pkey";

-- Same columns and key as before. The key is the dedupe key (a sample
-- delivered twice is stored once). ts, the partition key, is part of it, as
-- Postgres requires of a unique constraint on a partitioned table.
CREATE TABLE "hr_samples" (
    "session_id" TEXT NOT NULL,
    "participant_id" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "bpm" SMALLINT NOT NULL,
    "zone" SMALLINT NOT NULL,
    "rr_ms" REAL[],
    "contact" BOOLEAN,
    "battery" SMALLINT,

    CONSTRAINT "hr_samples_pkey" PRIMARY KEY ("session_id","participant_id","ts")
) PARTITION BY RANGE ("ts");

-- Takes a sample of a month that has no partition yet, so none is ever
-- refused. The projection moves such rows into their month's partition.
CREATE TABLE "hr_samples_default" PARTITION OF "hr_samples" DEFAULT;

-- Samples stored before this migration go to the default partition first,
-- and into their months with the projection's next batch.
INSERT INTO "hr_samples" ("session_id", "participant_id", "ts", "bpm", "zone", "rr_ms", "contact", "battery")
SELECT "session_id", "participant_id", "ts", "bpm", "zone", "rr_ms", "contact", "battery"
FROM "hr_samples_unpartitioned";

DROP TABLE "hr_samples_unpartitioned";
