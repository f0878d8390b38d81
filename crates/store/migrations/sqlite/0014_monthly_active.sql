-- 0014: monthly active users, one row per pool, month (YYYY-MM) and user: written once, the first
-- time the user signs in, refreshes or is federated in that month. Kept after the user or the
-- pool is gone (it is the month's history).
CREATE TABLE monthly_active (
    pool_id      TEXT NOT NULL,
    month        TEXT NOT NULL,
    username_key TEXT NOT NULL,
    federated    INTEGER NOT NULL,
    PRIMARY KEY (pool_id, month, username_key)
);
CREATE INDEX monthly_active_month ON monthly_active (month, pool_id);
