// Package migrations holds the schema, one numbered file per change. Each change
// is plain SQL for both supported dialects (PostgreSQL and SQLite), so constraints
// are explicit and have the same effect on both. The migrator (services.Migrate)
// runs each change and the row that records it in one transaction.
package migrations

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// Migration is one change of the schema.
type Migration struct {
	// Name is the number that starts the file's name, and what bun_migrations
	// records ("20261121000001").
	Name string
	// Comment is the rest of the file's name ("create_users").
	Comment string
	// Statements are the SQL to run in order, by dialect ("pg" or "sqlite").
	Statements map[string][]string
}

// All returns the shop's migrations, oldest first. A function rather than a
// package-level registry keeps the set immutable.
func All() []Migration {
	return []Migration{
		createUsers(),
		createProducts(),
		createCatalogVersion(),
		createLoginDevices(),
		createOutboxMails(),
		catalogVersionToken(),
		createAccountTokens(),
		productStatus(),
		createStores(),
		createProductImages(),
		productStock(),
		createCarts(),
		createOrders(),
		createProcessedWebhookEvents(),
		productSearch(),
		dashboardVersion(),
	}
}

// String names the migration as its file does: 20261121000001_create_users.
func (m Migration) String() string { return m.Name + "_" + m.Comment }

// Up runs the statements for db's dialect on db (the migrator's transaction).
// An error names the statement that failed.
func (m Migration) Up(ctx context.Context, db bun.IDB) error {
	dialect := "sqlite"
	if db.Dialect().Name().String() == "pg" {
		dialect = "pg"
	}
	stmts, ok := m.Statements[dialect]
	if !ok {
		return fmt.Errorf("no SQL for %s", dialect)
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", oneLine(q, 120), err)
		}
	}
	return nil
}

// oneLine squeezes a statement's whitespace and cuts it to at most n bytes, for
// an error message that fits a log line.
func oneLine(q string, n int) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > n {
		return q[:n] + "…"
	}
	return q
}
