-- projection_failures: events a projection could not apply (a refusal of the
-- statement, not an outage), set aside so the events after them go on. The
-- projection runner writes the row in the same transaction that moves its
-- checkpoint past the event; an operator replays it after a fix
-- (POST /api/v1/admin/projection-failures/:failureId/replay), which sets
-- resolved_at. One row per projection and event.

CREATE TABLE "projection_failures" (
    "id" BIGSERIAL NOT NULL,
    "projection" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "subject" TEXT NOT NULL,
    "error_message" TEXT NOT NULL,
    "error_code" TEXT,
    "attempts" INTEGER NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "projection_failures_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "projection_failures_projection_seq_key" ON "projection_failures"("projection", "seq");
