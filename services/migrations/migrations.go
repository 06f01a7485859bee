// Package migrations holds the schema, one numbered file per change. Each change
// is plain SQL for both supported dialects (PostgreSQL and SQLite), so constraints
// are explicit and have the same effect on both.
package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// New returns the shop's migrations. bun names a Go migration after the file of
// the function that registers it, so each change registers itself from its own
// file; a constructor (not a package-level registry) keeps the set immutable.
func New() (*migrate.Migrations, error) {
	m := migrate.NewMigrations()
	for _, register := range []func(*migrate.Migrations) error{
		registerCreateUsers,
		registerCreateProducts,
		registerCreateCatalogVersion,
		registerCreateLoginDevices,
		registerProductSearch,
	} {
		if err := register(m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// statements maps a dialect name ("pg" or "sqlite") to the SQL to run in order.
type statements map[string][]string

// run returns a migration function executing the statements for db's dialect.
func run(stmts statements) migrate.MigrationFunc {
	return func(ctx context.Context, db *bun.DB) error {
		dialect := "sqlite"
		if db.Dialect().Name().String() == "pg" {
			dialect = "pg"
		}
		for _, q := range stmts[dialect] {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
}
