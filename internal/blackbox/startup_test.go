package blackbox

import (
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/internal/testenv"
)

// A migration that fails half-way is rolled back whole and stops start-up with
// a message naming it, rather than leaving a half-changed schema that the app
// retries for ever while every page answers 503.
func TestFailedMigrationStopsStartUp(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	db := openSQL(t, b.DatabaseURL)
	// Something made by hand takes the name of the first migration's index: its
	// CREATE TABLE succeeds, then its CREATE INDEX fails.
	for _, q := range []string{`CREATE TABLE hand_made (email TEXT)`, `CREATE INDEX users_email_lower_key ON hand_made (email)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := launchApp(t, b, nil)
	select {
	case <-a.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("still running 30 s after its first migration failed\n%s", a.logs.tail(30))
	}
	var exit *exec.ExitError
	if !errors.As(a.err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit %v, want status 1", a.err)
	}
	const name = "20261121000001_create_users"
	var said bool
	for _, line := range a.logs.all() {
		said = said || strings.HasPrefix(line, "storefront: migration "+name+" failed and was rolled back")
	}
	if !said {
		t.Fatalf("no message naming %s:\n%s", name, a.logs.tail(20))
	}
	if recs := a.logs.records(map[string]any{"level": "ERROR", "migration": name}); len(recs) != 1 {
		t.Fatalf("%d error log records naming %s, want 1:\n%s", len(recs), name, a.logs.tail(20))
	}
	if n := countRows(t, db, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'users'`); n != 0 {
		t.Fatal("the failed migration's table is left behind")
	}
	if n := countRows(t, db, `SELECT count(*) FROM bun_migrations`); n != 0 {
		t.Fatalf("%d migrations recorded, want none", n)
	}
}

// A database that is down at start-up is not a failed migration: pages answer
// 503 until it is back, then the app migrates and serves by itself.
func TestDatabaseDownAtStartUpRecovers(t *testing.T) {
	t.Parallel()
	pg := testenv.StartPostgres(t)
	dsn := pg.CreateDatabase(t)
	pg.Stop(t)
	a := listeningApp(t, backends{DatabaseURL: dsn}, nil)
	if r := newClient(t, a).get("/products"); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("GET /products with the database down: %d, want 503", r.Status)
	}
	if st, body := readiness(t, a); st != http.StatusServiceUnavailable || body["schema"] != "pending" {
		t.Fatalf("/readyz %d %v, want 503 with the schema pending", st, body)
	}
	pg.Start(t)
	took := waitRecovered(t, newClient(t, a), "/products", 30*time.Second)
	if st, body := readiness(t, a); st != http.StatusOK || body["schema"] != "ok" {
		t.Fatalf("/readyz %d %v after the database came back", st, body)
	}
	t.Logf("serving %v after the database came back", took.Round(time.Millisecond))
}
