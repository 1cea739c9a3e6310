"""Load shedding: a request waits on the database only while one of the process's slots is
free and within its deadline, else it is answered 503 at once (docs/database-timeouts.md)."""
