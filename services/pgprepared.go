package services

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
)

// queryPreparedPG runs q on PostgreSQL as a prepared statement that pgx keeps
// per connection (its statement cache), with the arguments sent as
// parameters, and calls scan for each row. A query whose plan does not depend
// on its arguments is then parsed and planned once per connection instead of
// on every call: for short queries that is most of the database's work.
// Everything else goes through bun, which writes arguments into the query text.
func queryPreparedPG(ctx context.Context, db *bun.DB, q sqlQuery, scan func(pgx.Rows) error) error {
	sql, err := numberedPlaceholders(q)
	if err != nil {
		return err
	}
	return withPgxConn(ctx, db, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, sql, append([]any{pgx.QueryExecModeCacheStatement}, q.args...)...)
		if err != nil {
			return err
		}
		return scanRows(rows, scan)
	})
}

// withPgxConn calls fn with one of db's pool connections as pgx's own, for
// what database/sql cannot say (per-query modes, pipelines).
func withPgxConn(ctx context.Context, db *bun.DB, fn func(*pgx.Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("needs the pgx driver, not %T", driverConn)
		}
		return fn(c.Conn())
	})
}

// scanRows calls scan for each row and closes rows.
func scanRows(rows pgx.Rows, scan func(pgx.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// numberedPlaceholders turns bun's ? placeholders into PostgreSQL's $1, $2, …
// The queries' SQL has no other question marks (no operator or literal uses
// one); a count that does not match the arguments is refused.
func numberedPlaceholders(s sqlQuery) (string, error) {
	if s.numbered {
		return s.sql, nil
	}
	var b strings.Builder
	n := 0
	for _, part := range strings.SplitAfter(s.sql, "?") {
		if strings.HasSuffix(part, "?") {
			n++
			part = part[:len(part)-1] + "$" + strconv.Itoa(n)
		}
		b.WriteString(part)
	}
	if n != len(s.args) {
		return "", fmt.Errorf("query has %d placeholders for %d arguments", n, len(s.args))
	}
	return b.String(), nil
}
