package services_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/storefront/storefront/internal/benchdata"
	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/services/migrations"
)

// searchMigration is the migration that adds the search indexes.
const searchMigration = "20261215000001"

// Products stored before the search migration are found after it.
func TestSearchMigrationIndexesExistingProducts(t *testing.T) {
	ctx := context.Background()
	for name, db := range services.UnmigratedDatabases(t) {
		t.Run(name, func(t *testing.T) {
			all := migrations.All()
			i := slices.IndexFunc(all, func(m migrations.Migration) bool { return m.Name == searchMigration })
			if i < 0 {
				t.Fatalf("no migration %s", searchMigration)
			}
			if _, err := services.MigrateTo(ctx, db, all[:i]); err != nil {
				t.Fatal(err)
			}
			ids, _ := seedSearchCatalogue(t, db)

			if _, err := services.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			catalog := services.NewCatalog(db)
			for text, want := range map[string]int{"teapot": 5, "teapott": 5, "hedphones": 0, "loose-leaf": 5} {
				page := search(t, catalog, models.SearchInput{Q: text})
				if len(page.Products) != 1 || page.Products[0].ID != ids[want] {
					t.Errorf("%q after the migration: %+v, want product %d", text, page.Products, want)
				}
			}
		})
	}
}

// A database user who may not create pg_trgm gets a migration error that says
// what to ask an administrator; once the administrator has created it, the same
// user migrates.
func TestSearchMigrationWithoutExtensionPrivilege(t *testing.T) {
	ctx := context.Background()
	adminDSN := testenv.Postgres(t)
	admin, err := services.OpenDB(adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the role's clean-up below
	role := "storefront_test_noext_" + randomHex(t)
	for _, q := range []string{
		"CREATE ROLE " + role + " LOGIN",
		"ALTER SCHEMA public OWNER TO " + role, // may create tables, not extensions
	} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, q := range []string{"REASSIGN OWNED BY " + role + " TO CURRENT_USER", "DROP OWNED BY " + role, "DROP ROLE " + role} {
			if _, err := admin.ExecContext(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u, err := url.Parse(adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	db, err := services.OpenDB(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	_, err = services.Migrate(ctx, db)
	if err == nil || !strings.Contains(err.Error(), "needs the PostgreSQL extension pg_trgm") ||
		!strings.Contains(err.Error(), "ask a database administrator to run CREATE EXTENSION pg_trgm;") {
		t.Fatalf("migrating without the privilege: %v; want the pg_trgm message", err)
	}

	if _, err := admin.ExecContext(ctx, "CREATE EXTENSION pg_trgm"); err != nil {
		t.Fatal(err)
	}
	if _, err := services.Migrate(ctx, db); err != nil {
		t.Fatalf("after an administrator created pg_trgm: %v", err)
	}
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// models.WordSimilarity, which the SQLite search and highlighting use, agrees
// with pg_trgm's word_similarity, which the PostgreSQL search uses, on the
// words shoppers type against the names of the benchmark catalogue.
func TestWordSimilarityAgreesWithPostgres(t *testing.T) {
	db := services.Databases(t)["postgres"]
	ctx := context.Background()
	typed := append(benchdata.TypoQueries(), "headp", "note", "woo", "mug", "mugs", "café", "teatowel", "wirel", "hed", "a4")
	for i := 0; i < 40; i++ {
		typed = append(typed, strings.Fields(benchdata.Queries(40)[i])...)
	}
	var names []string
	for i := 0; i < 60; i++ {
		names = append(names, benchdata.Product(i).Name)
	}
	type pair struct {
		Word, Name string
		Similarity float64
	}
	var rows []pair
	err := db.NewRaw("SELECT w AS word, n AS name, word_similarity(w, n) AS similarity FROM unnest(?::text[]) w, unnest(?::text[]) n",
		pgTextArray(typed), pgTextArray(names)).Scan(ctx, &rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(typed)*len(names) {
		t.Fatalf("%d pairs compared, want %d", len(rows), len(typed)*len(names))
	}
	agree := 0
	for _, r := range rows {
		// pg_trgm computes in float4.
		if got := models.WordSimilarity(r.Word, r.Name); math.Abs(got-r.Similarity) > 1e-6 {
			t.Errorf("WordSimilarity(%q, %q) = %v; PostgreSQL says %v", r.Word, r.Name, got, r.Similarity)
		} else {
			agree++
		}
	}
	t.Logf("%d pairs agree", agree)
}

// pgTextArray writes a text[] literal of words made of letters, digits, spaces
// and punctuation other than quotes and backslashes.
func pgTextArray(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = `"` + s + `"`
	}
	return "{" + strings.Join(quoted, ",") + "}"
}
