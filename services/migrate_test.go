package services_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/services/migrations"
)

// brokenMigration changes the schema, then fails: as a migration with a typo in
// its last statement would.
func brokenMigration() migrations.Migration {
	half := []string{
		`CREATE TABLE half_done (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`,
		`CREATE INDEX half_done_note_idx ON half_done (note)`,
		`INSERT INTO half_done (id, note) VALUES (1, NULL)`, // NOT NULL: refused by both databases
	}
	return migrations.Migration{Name: "20991231000001", Comment: "broken", Statements: map[string][]string{"pg": half, "sqlite": half}}
}

func tableExists(t *testing.T, db *bun.DB, table string) bool {
	t.Helper()
	q := db.NewSelect().TableExpr("information_schema.tables").Where("table_schema = current_schema() AND table_name = ?", table)
	if services.DialectName(db) == "sqlite" {
		q = db.NewSelect().TableExpr("sqlite_master").Where("type = 'table' AND name = ?", table)
	}
	n, err := q.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// shopMigrations leaves out the job queue's own migrations ("river NNN …"),
// which Migrate applies after the shop's.
func shopMigrations(applied []string) []string {
	var shop []string
	for _, name := range applied {
		if !strings.HasPrefix(name, "river ") {
			shop = append(shop, name)
		}
	}
	return shop
}

func recordedMigrations(t *testing.T, db *bun.DB) []string {
	t.Helper()
	var names []string
	if err := db.NewSelect().Table("bun_migrations").Column("name").Order("id").Scan(context.Background(), &names); err != nil {
		t.Fatal(err)
	}
	return names
}

// A migration that fails half-way leaves no trace: its statements and its
// record are one transaction, on both databases. It is reported by name as a
// MigrationError (not as a database outage worth retrying), every time, and
// the migrations before it stay applied.
func TestFailedMigrationIsRolledBackAndNamed(t *testing.T) {
	for name, db := range services.UnmigratedDatabases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			shop := migrations.All()
			var shopNames []string
			for _, m := range shop {
				shopNames = append(shopNames, m.Name)
			}
			list := append(slices.Clone(shop), brokenMigration())
			for attempt := 1; attempt <= 2; attempt++ {
				applied, err := services.MigrateTo(ctx, db, list)
				applied = shopMigrations(applied)
				var failed *services.MigrationError
				if !errors.As(err, &failed) || failed.Migration != "20991231000001_broken" || !strings.Contains(err.Error(), "20991231000001_broken") {
					t.Fatalf("attempt %d: error %v, want a MigrationError naming 20991231000001_broken", attempt, err)
				}
				if models.ErrorCode(err) == models.EUNAVAILABLE {
					t.Fatalf("attempt %d: a failing migration reported as an outage (start-up would retry it for ever)", attempt)
				}
				if attempt == 1 && len(applied) != len(shop) || attempt == 2 && len(applied) != 0 {
					t.Fatalf("attempt %d applied %v", attempt, applied)
				}
				if tableExists(t, db, "half_done") {
					t.Fatalf("attempt %d: the failed migration's table is left behind", attempt)
				}
				if got := recordedMigrations(t, db); !slices.Equal(got, shopNames) {
					t.Fatalf("attempt %d: recorded %v, want %v", attempt, got, shopNames)
				}
			}
			// Without the broken one, the shop's schema is complete and nothing is left to do.
			if applied, err := services.Migrate(ctx, db); err != nil || len(shopMigrations(applied)) != 0 {
				t.Fatalf("after the failure: applied %v, %v", applied, err)
			}
		})
	}
}

// A database that does not answer is an outage (start-up retries), not a
// migration that failed (start-up stops).
func TestMigrateWithoutDatabaseIsUnavailable(t *testing.T) {
	db, err := services.OpenDB("postgres://nobody@127.0.0.1:1/nothing")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = services.Migrate(context.Background(), db)
	var failed *services.MigrationError
	if models.ErrorCode(err) != models.EUNAVAILABLE || errors.As(err, &failed) {
		t.Fatalf("error %v (code %s), want EUNAVAILABLE and no MigrationError", err, models.ErrorCode(err))
	}
}

// A shop migrated by the previous release keeps its products and counter; the
// version gains a random token.
func TestCatalogVersionTokenMigrationUpgradesAShop(t *testing.T) {
	for name, db := range services.UnmigratedDatabases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			all := migrations.All()
			tokenAt := slices.IndexFunc(all, func(m migrations.Migration) bool { return m.Name == "20261203000004" })
			previous := all[:tokenAt]
			if _, err := services.MigrateTo(ctx, db, previous); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, "UPDATE catalog_version SET version = 41"); err != nil {
				t.Fatal(err)
			}
			applied, err := services.Migrate(ctx, db)
			if shop := shopMigrations(applied); err != nil || len(shop) == 0 || shop[0] != "20261203000004_catalog_version_token" {
				t.Fatalf("applied %v, %v", applied, err)
			}
			var counter int64
			var token string
			if err := db.NewSelect().Table("catalog_version").Column("version", "token").Scan(ctx, &counter, &token); err != nil {
				t.Fatal(err)
			}
			if counter != 41 || len(token) < 16 {
				t.Fatalf("after the migration: counter %d, token %q", counter, token)
			}
			if v, err := services.NewCatalog(db).Version(ctx); err != nil || !strings.Contains(v, token) {
				t.Fatalf("version %q, %v: not the token %q", v, err, token)
			}
		})
	}
}
