// Package services holds the shop's business rules and its talk with the
// database, Redis and the password hash. It never sees HTTP.
package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/storefront/storefront/models"
)

// DefaultSQLiteFile is the embedded database used when no DATABASE_URL is given.
const DefaultSQLiteFile = "storefront.db"

// OpenDB opens PostgreSQL for a postgres:// URL and SQLite otherwise (a file
// path, "file:..." DSN or empty for DefaultSQLiteFile). It does not contact the
// server: a database that is down at start-up must not stop the app.
func OpenDB(databaseURL string) (*bun.DB, error) {
	if IsPostgresURL(databaseURL) {
		return openPostgres(databaseURL)
	}
	return openSQLite(databaseURL)
}

// IsPostgresURL reports whether DATABASE_URL names PostgreSQL; anything else is
// a SQLite file.
func IsPostgresURL(databaseURL string) bool {
	return strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://")
}

func openPostgres(databaseURL string) (*bun.DB, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: invalid URL")
	}
	q := u.Query()
	// bun inlines arguments into the query text; with pgx's default statement cache
	// every distinct literal would become a server-side prepared statement.
	if q.Get("default_query_exec_mode") == "" {
		q.Set("default_query_exec_mode", "simple_protocol")
	}
	// Named connections let an operator (and the load test) tell the page pool
	// from the job runner's pool (storefront-jobs) in pg_stat_activity.
	if q.Get("application_name") == "" {
		q.Set("application_name", "storefront")
	}
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "2")
	}
	// A statement that runs away is cut off by the server too, not only by our context.
	if q.Get("statement_timeout") == "" {
		q.Set("statement_timeout", "5000")
	}
	u.RawQuery = q.Encode()
	sqldb, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	conns := 4 * runtime.GOMAXPROCS(0)
	sqldb.SetMaxOpenConns(conns)
	sqldb.SetMaxIdleConns(conns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	sqldb.SetConnMaxLifetime(time.Hour)
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

func openSQLite(dsn string) (*bun.DB, error) {
	if dsn == "" {
		dsn = DefaultSQLiteFile
	}
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	dsn += sep + "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate"
	sqldb, err := sql.Open(sqliteshim.ShimName, dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// SQLite has one writer; a single connection avoids SQLITE_BUSY entirely.
	sqldb.SetMaxOpenConns(1)
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}

// DialectName returns "pg" or "sqlite".
func DialectName(db *bun.DB) string {
	if db.Dialect().Name().String() == "pg" {
		return "pg"
	}
	return "sqlite"
}

// isUniqueViolation reports whether err is a unique-constraint failure on either database.
func isUniqueViolation(err error) bool {
	return isConstraintViolation(err, "23505", sqlite3.SQLITE_CONSTRAINT_UNIQUE)
}

// isForeignKeyViolation reports whether err is a foreign-key failure on either
// database: a row refers to one that no longer exists.
func isForeignKeyViolation(err error) bool {
	return isConstraintViolation(err, "23503", sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

// isConstraintViolation reports whether err is the failure with the given
// PostgreSQL SQLSTATE or SQLite extended result code.
func isConstraintViolation(err error, pgCode string, sqliteCode int) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgCode
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return sqliteErr.Code() == sqliteCode
	}
	return false
}

// dbError classifies a database failure: a cancelled request stays as it is, an
// unreachable or timed-out database becomes EUNAVAILABLE (503), the rest is internal.
func dbError(op string, err error) error {
	if err == nil {
		return nil
	}
	var classified *models.Error
	if errors.As(err, &classified) {
		return err // already says what it is (e.g. from inside a transaction)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if isConnectionError(err) {
		return unavailable(op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isConnectionError reports failures that say "the database is not there right
// now" rather than "the query is wrong".
func isConnectionError(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P0x: admin shutdown / crash shutdown / cannot connect now.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		code := sqliteErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	msg := err.Error()
	// pgx/stdlib reports broken sockets as plain net errors wrapped in strings.
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "connection reset") || strings.Contains(msg, "unexpected EOF") ||
		strings.Contains(msg, "i/o timeout") || strings.Contains(msg, "failed to connect") ||
		strings.Contains(msg, "conn closed") || strings.Contains(msg, "driver: bad connection")
}

// isNoRowsErr reports a query that found no row.
func isNoRowsErr(err error) bool { return errors.Is(err, sql.ErrNoRows) }
