package migrations_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/storefront/storefront/services/migrations"
)

// Each migration lives in the file it names (NUMBER_comment.go, the form bun's
// table records), the numbers only grow, and each has SQL for both databases.
func TestMigrationsMatchTheirFiles(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fileName := regexp.MustCompile(`^(\d{14})_([0-9a-z_]+)\.go$`)
	var files []string
	for _, e := range entries {
		if fileName.MatchString(e.Name()) {
			files = append(files, strings.TrimSuffix(e.Name(), ".go"))
		}
	}
	var names []string
	for i, m := range migrations.All() {
		names = append(names, m.String())
		if i > 0 && m.Name <= migrations.All()[i-1].Name {
			t.Errorf("%s does not come after %s", m, migrations.All()[i-1])
		}
		if len(m.Statements["pg"]) == 0 || len(m.Statements["sqlite"]) == 0 {
			t.Errorf("%s lacks SQL for a database: %v", m, m.Statements)
		}
	}
	slices.Sort(files)
	if !slices.Equal(files, names) {
		t.Fatalf("migration files %v, migrations %v", files, names)
	}
}
