-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d).
-- The application's own database; Temporal's auto-setup creates its databases (temporal,
-- temporal_visibility) itself. The app's tables are created by its migrations at start.
CREATE DATABASE approvals;
