package services_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/services/migrations"
)

// The seller-tools migrations keep every existing product published and give
// every existing seller (not buyers) a store with a valid, unique slug made
// from their email, on both databases.
func TestSellerMigrationsGiveSellersStores(t *testing.T) {
	all := migrations.All()
	cut := 0
	for cut < len(all) && all[cut].Name != "20261203200000" {
		cut++
	}
	if cut == len(all) {
		t.Fatal("product_status migration not found")
	}
	long := strings.Repeat("abcdefghij", 6) + "abcd" // a 64-character local part
	for name, db := range services.UnmigratedDatabases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := services.MigrateTo(ctx, db, all[:cut]); err != nil {
				t.Fatal(err)
			}
			created := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
			ids := map[string]int64{}
			for _, email := range []string{
				"john.smith@a.example", "john.smith@b.example", "ab@x.example", "admin@x.example", "shop-4u@x.example",
				"élodie@x.example", "a_b+c@x.example", long + "@x.example", "demo-seller@storefront.invalid",
				"..x..@x.example", `"quoted@local"@x.example`, "7-11@x.example", "plain@x.example", "buyer@x.example",
			} {
				u := &models.User{Email: email, PasswordHash: "x", CreatedAt: created}
				if _, err := db.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
					t.Fatal(err)
				}
				ids[email] = u.ID
				if email == "buyer@x.example" {
					continue
				}
				if _, err := db.ExecContext(ctx, "INSERT INTO products (seller_id, name, description, price_cents, created_at) VALUES (?, ?, '', 100, ?)",
					u.ID, "Thing of "+email, created); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := services.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}

			id := func(email string) string { return strconv.FormatInt(ids[email], 10) }
			want := map[string]string{
				"john.smith@a.example":           "john-smith-" + id("john.smith@a.example"), // two sellers share the base
				"john.smith@b.example":           "john-smith-" + id("john.smith@b.example"),
				"ab@x.example":                   "ab-" + id("ab@x.example"),
				"admin@x.example":                "admin-" + id("admin@x.example"),
				"shop-4u@x.example":              "shop-4u-" + id("shop-4u@x.example"),
				"élodie@x.example":               "seller-" + id("élodie@x.example"),
				"a_b+c@x.example":                "a-b-c",
				long + "@x.example":              "abcdefghijabcdefghij-" + id(long+"@x.example"),
				"demo-seller@storefront.invalid": "demo-seller",
				"..x..@x.example":                "x-" + id("..x..@x.example"),
				`"quoted@local"@x.example`:       "seller-" + id(`"quoted@local"@x.example`),
				"7-11@x.example":                 "7-11-" + id("7-11@x.example"),
				"plain@x.example":                "plain",
			}
			stores := services.NewStores(db)
			for email, slug := range want {
				st, err := stores.StoreForUser(ctx, ids[email])
				if err != nil {
					t.Fatalf("%s: %v", email, err)
				}
				if st.Slug != slug || models.CheckSlug(st.Slug) != "" {
					t.Errorf("%s: slug %q, want %q", email, st.Slug, slug)
				}
				local := email[:strings.LastIndexByte(email, '@')]
				if wantName := string([]rune(local)[:min(60, len([]rune(local)))]); st.Name != wantName {
					t.Errorf("%s: name %q, want %q", email, st.Name, wantName)
				}
			}
			if _, err := stores.StoreForUser(ctx, ids["buyer@x.example"]); models.ErrorCode(err) != models.ENOTFOUND {
				t.Fatalf("a buyer got a store: %v", err)
			}

			var products []models.Product
			if err := db.NewSelect().Model(&products).Scan(ctx); err != nil {
				t.Fatal(err)
			}
			for _, p := range products {
				if p.Status != models.ProductPublished || !p.UpdatedAt.Equal(p.CreatedAt) || p.IsDeleted() {
					t.Errorf("migrated product %+v", p)
				}
			}
			list, err := services.NewCatalog(db).ListProducts(ctx, 2)
			if err != nil || len(list.Products) != len(want)-models.ProductsPerPage || list.Products[0].Store.Slug == "" {
				t.Fatalf("list after the migration: %+v, %v", list.Products, err)
			}
		})
	}
}
