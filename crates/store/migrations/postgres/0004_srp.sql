-- 0004: the SRP password verifier (sealed by the master key: it is an unstretched hash).
ALTER TABLE users ADD COLUMN srp_verifier TEXT COLLATE "C";
