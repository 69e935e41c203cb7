-- Adaptive max HR: each sample keeps the max HR its zone was computed with, so a
-- class's summary folds the samples under the same max the live screens did.
ALTER TABLE "hr_samples" ADD COLUMN "max_hr" SMALLINT;
