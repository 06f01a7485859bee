package services_test

import (
	"context"
	"sync"
	"testing"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// sharedVersions returns two RedisCatalogVersions with their own clients on one
// key, as two app instances have.
func sharedVersions(t *testing.T) (a, b services.RedisCatalogVersion) {
	t.Helper()
	url, prefix := testenv.Redis(t)
	open := func() services.RedisCatalogVersion {
		rdb, err := services.OpenRedis(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rdb.Close() })
		return services.RedisCatalogVersion{Client: rdb, Key: prefix + "catalog:version"}
	}
	return open(), open()
}

func TestCatalogVersion(t *testing.T) {
	ctx := context.Background()
	a, b := sharedVersions(t)
	mem := new(services.MemoryCatalogVersion)
	for name, pair := range map[string][2]services.CatalogVersion{"redis": {a, b}, "memory": {mem, mem}} {
		t.Run(name, func(t *testing.T) {
			if v, err := pair[0].Current(ctx); v != "" && name == "redis" || err != nil {
				t.Fatalf("before Init: %q, %v; want no version", v, err)
			}
			if err := pair[0].Init(ctx); err != nil {
				t.Fatal(err)
			}
			if err := pair[1].Init(ctx); err != nil { // a second instance starting
				t.Fatal(err)
			}
			first, err := pair[0].Current(ctx)
			if err != nil || first == "" && name == "redis" {
				t.Fatalf("after Init: %q, %v", first, err)
			}
			if again, _ := pair[1].Current(ctx); again != first {
				t.Fatalf("instances disagree on a fresh version: %q vs %q", first, again)
			}
			if err := pair[0].Bump(ctx); err != nil {
				t.Fatal(err)
			}
			bumped, err := pair[1].Current(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if bumped == first {
				t.Fatalf("version %q unchanged after a bump on the other instance", bumped)
			}
		})
	}
}

// A product written through one instance's Catalog changes the version that
// another instance's Catalog reads, with no delay (the coalesced read starts
// after the caller asked).
func TestCatalogVersionFollowsProductWrites(t *testing.T) {
	ctx := context.Background()
	db := services.Databases(t)["postgres"]
	va, vb := sharedVersions(t)
	writer, reader := services.NewSharedCatalog(db, va), services.NewSharedCatalog(db, vb)
	seller, err := services.NewAccounts(db, services.FastHasher(t)).SignUp(ctx,
		models.Credentials{Email: "v@example.com", Password: "a perfectly fine password"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; i < 5; i++ {
		before, err := reader.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seen[before] = true
		if _, err := writer.CreateProduct(ctx, seller.ID, models.ProductInput{Name: "Cup", Price: "3"}); err != nil {
			t.Fatal(err)
		}
		// Many concurrent readers, as under load: all must see the new version.
		var wg sync.WaitGroup
		got := make([]string, 50)
		for j := range got {
			wg.Go(func() {
				v, err := reader.Version(ctx)
				if err != nil {
					t.Error(err)
				}
				got[j] = v
			})
		}
		wg.Wait()
		for _, v := range got {
			if seen[v] {
				t.Fatalf("write %d: a reader got the version %q from before the write", i, v)
			}
			if v != got[0] {
				t.Fatalf("readers disagree after write %d: %q vs %q", i, v, got[0])
			}
		}
	}
}
