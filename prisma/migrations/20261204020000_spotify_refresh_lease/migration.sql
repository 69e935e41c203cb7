-- A refresh of a studio's Spotify tokens is claimed with a lease in the row
-- instead of a row lock held across the HTTP call: the claimer calls Spotify
-- with no transaction open, and stores the result only while it still holds
-- the lease; a holder that died is taken over once the lease has expired.
ALTER TABLE "spotify_accounts" ADD COLUMN "refresh_lease_owner" TEXT;
ALTER TABLE "spotify_accounts" ADD COLUMN "refresh_lease_until" TIMESTAMPTZ(3);
