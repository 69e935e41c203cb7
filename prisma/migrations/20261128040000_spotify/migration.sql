-- Spotify: each studio's tokens (encrypted at rest by the worker, AES-256-GCM),
-- the single-use `state` of sign-ins in flight, and the polling lease that lets
-- one worker instance at a time poll a studio's playback.
CREATE TABLE "spotify_accounts" (
    "studio_id" TEXT NOT NULL,
    "access_token" TEXT NOT NULL,
    "refresh_token" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "scope" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'connected',
    "refreshed_count" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spotify_accounts_pkey" PRIMARY KEY ("studio_id"),
    CONSTRAINT "spotify_accounts_status_check" CHECK ("status" IN ('connected', 'needs-auth'))
);

ALTER TABLE "spotify_accounts" ADD CONSTRAINT "spotify_accounts_studio_id_fkey" FOREIGN KEY ("studio_id") REFERENCES "studios"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "spotify_auth_states" (
    "state" TEXT NOT NULL,
    "studio_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spotify_auth_states_pkey" PRIMARY KEY ("state")
);

CREATE INDEX "spotify_auth_states_expires_at_idx" ON "spotify_auth_states"("expires_at");

ALTER TABLE "spotify_auth_states" ADD CONSTRAINT "spotify_auth_states_studio_id_fkey" FOREIGN KEY ("studio_id") REFERENCES "studios"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "spotify_poll_leases" (
    "studio_id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "spotify_poll_leases_pkey" PRIMARY KEY ("studio_id")
);

ALTER TABLE "spotify_poll_leases" ADD CONSTRAINT "spotify_poll_leases_studio_id_fkey" FOREIGN KEY ("studio_id") REFERENCES "studios"("id") ON DELETE CASCADE ON UPDATE CASCADE;
