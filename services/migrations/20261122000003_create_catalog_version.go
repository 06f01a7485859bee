package migrations

import "github.com/uptrace/bun/migrate"

// catalog_version is one row whose number every product write increments in its
// own transaction. Cached catalogue pages are valid only under the number they
// were made with, so every app instance sharing the database sees a write at once.
func registerCreateCatalogVersion(m *migrate.Migrations) error {
	create := []string{
		`CREATE TABLE catalog_version (
			id INTEGER PRIMARY KEY CHECK (id = 1),
			version BIGINT NOT NULL
		)`,
		`INSERT INTO catalog_version (id, version) VALUES (1, 1)`,
	}
	drop := []string{`DROP TABLE catalog_version`}
	return m.Register(run(statements{"pg": create, "sqlite": create}), run(statements{"pg": drop, "sqlite": drop}))
}
