package services

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/storefront/storefront/services/migrations"
)

// migrationLockID is the PostgreSQL advisory lock that serialises migrations
// when several app instances start at once.
const migrationLockID = 7_230_417_001

// migrationsTable is bun's bookkeeping table: one row per applied migration.
const migrationsTable = "bun_migrations"

// MigrationError is a migration whose SQL failed. It was rolled back and is not
// recorded, so the schema is as it was before it; retrying cannot help, and the
// app must not start on that schema.
type MigrationError struct {
	Migration string // its file name without .go: 20261121000001_create_users
	Err       error
}

func (e *MigrationError) Error() string {
	return fmt.Sprintf("migration %s failed and was rolled back; fix it and start again: %v", e.Migration, e.Err)
}

func (e *MigrationError) Unwrap() error { return e.Err }

// Migrate brings the schema up to date and returns the names of the migrations it
// applied. Each migration runs in one transaction with the row that records it:
// one that fails leaves neither a half-changed schema nor a record, and is a
// *MigrationError. A database that cannot be reached is EUNAVAILABLE (worth
// retrying). On PostgreSQL it holds an advisory lock rather than bun's lock row,
// so a crash mid-migration cannot leave the schema locked for ever.
func Migrate(ctx context.Context, db *bun.DB) ([]string, error) {
	return migrateTo(ctx, db, migrations.All())
}

// migrateTo applies the migrations of list that are not recorded, in order.
func migrateTo(ctx context.Context, db *bun.DB, list []migrations.Migration) ([]string, error) {
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

	// bun's migrator only keeps the books (its table, as earlier releases wrote
	// it); its Migrate records a migration outside the migration's transaction.
	books := migrate.NewMigrator(db, migrate.NewMigrations(), migrate.WithTableName(migrationsTable))
	if err := books.Init(ctx); err != nil {
		return nil, dbError("migrate: init", err)
	}
	done, err := books.AppliedMigrations(ctx)
	if err != nil {
		return nil, dbError("migrate: read applied", err)
	}
	recorded := map[string]bool{}
	for _, m := range done {
		recorded[m.Name] = true
	}
	group := done.LastGroupID() + 1

	var applied []string
	for _, m := range list {
		if recorded[m.Name] {
			continue
		}
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := m.Up(ctx, tx); err != nil {
				return err
			}
			record := &migrate.Migration{Name: m.Name, GroupID: group}
			_, err := tx.NewInsert().Model(record).ModelTableExpr(migrationsTable).Exec(ctx)
			return err
		})
		if err != nil {
			if errors.Is(err, context.Canceled) || isConnectionError(err) {
				return applied, dbError("migrate: "+m.String(), err)
			}
			return applied, &MigrationError{Migration: m.String(), Err: err}
		}
		applied = append(applied, m.String())
	}
	return migrateJobs(ctx, db, applied)
}
