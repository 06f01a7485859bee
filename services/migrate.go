package services

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/storefront/storefront/services/migrations"
)

// migrationLockID is the PostgreSQL advisory lock that serialises migrations
// when several app instances start at once.
const migrationLockID = 7_230_417_001

// Migrate brings the schema up to date and returns the names of the migrations it
// applied. On PostgreSQL it holds an advisory lock rather than bun's lock row, so
// a crash mid-migration cannot leave the schema locked for ever.
func Migrate(ctx context.Context, db *bun.DB) ([]string, error) {
	ms, err := migrations.New()
	if err != nil {
		return nil, err
	}
	migrator := migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true))

	if DialectName(db) == "pg" {
		conn, err := db.Conn(ctx)
		if err != nil {
			return nil, dbError("migrate: connect", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockID); err != nil {
			return nil, dbError("migrate: lock", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockID) //nolint:errcheck // released with the connection anyway
	}

	if err := migrator.Init(ctx); err != nil {
		return nil, dbError("migrate: init", err)
	}
	group, err := migrator.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []string
	for _, m := range group.Migrations {
		applied = append(applied, m.String())
	}
	return migrateJobs(ctx, db, applied)
}
