-- Authorization codes are sealed, self-contained values now (the code is the grant, encrypted
-- with the master key); their redemption is the insert of the refresh token derived from them.
DROP TABLE oauth_codes;
