-- gateways: the gateways registered in a studio, each a NATS user of its own
-- (POST /api/v1/studios/:studioId/gateways). Only the user's public key is
-- kept, to revoke it; the credentials went to the caller once.

CREATE TABLE "gateways" (
    "studio_id" TEXT NOT NULL,
    "gateway_id" TEXT NOT NULL,
    "name" TEXT,
    "public_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gateways_pkey" PRIMARY KEY ("studio_id","gateway_id")
);

ALTER TABLE "gateways" ADD CONSTRAINT "gateways_studio_id_fkey" FOREIGN KEY ("studio_id") REFERENCES "studios"("id") ON DELETE CASCADE ON UPDATE CASCADE;
