-- Values waiting for verification (AttributesRequireVerificationBeforeUpdate): a JSON list of
-- [name, value] pairs; the live attribute keeps its old value until the code is confirmed.
ALTER TABLE users ADD COLUMN pending_attributes TEXT COLLATE "C" NOT NULL DEFAULT '[]';
