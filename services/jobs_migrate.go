package services

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/uptrace/bun"
)

// migrateJobs creates or updates the job queue's tables (river_job, river_leader,
// …) with River's own migrations, through the app's connection. Migrate runs it
// after the app's migrations, under the same PostgreSQL advisory lock, so the
// schema is ready only when both are. It returns applied with the names of the
// versions it applied added, as "river NNN name".
func migrateJobs(ctx context.Context, db *bun.DB, applied []string) ([]string, error) {
	var versions []rivermigrate.MigrateVersion
	var err error
	if DialectName(db) == "sqlite" {
		versions, err = riverMigrateUp(ctx, riversqlite.New(db.DB))
	} else {
		versions, err = riverMigrateUp(ctx, riverdatabasesql.New(db.DB))
	}
	if err != nil {
		return applied, dbError("migrate jobs", err)
	}
	for _, v := range versions {
		applied = append(applied, fmt.Sprintf("river %03d %s", v.Version, v.Name))
	}
	return applied, nil
}

func riverMigrateUp[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) ([]rivermigrate.MigrateVersion, error) {
	// Quiet: what it applied is returned, and failures are errors.
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, err
	}
	return res.Versions, nil
}
