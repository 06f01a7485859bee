package services_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

func TestStoreRules(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			owner := s.signUp(t, "potter@example.com")

			for _, c := range []struct {
				in    models.StoreInput
				field string
			}{
				{models.StoreInput{Name: "Pots", Slug: ""}, "slug"},
				{models.StoreInput{Name: "Pots", Slug: "ab"}, "slug"},
				{models.StoreInput{Name: "Pots", Slug: strings.Repeat("a", 41)}, "slug"},
				{models.StoreInput{Name: "Pots", Slug: "my shop"}, "slug"},
				{models.StoreInput{Name: "Pots", Slug: "my_shop"}, "slug"},
				{models.StoreInput{Name: "Pots", Slug: "pötter"}, "slug"},
				{models.StoreInput{Name: "Pots", Slug: "admin"}, "slug"},
				{models.StoreInput{Name: "Pots", Slug: "API"}, "slug"},
				{models.StoreInput{Name: "Pots", Slug: "new"}, "slug"},
				{models.StoreInput{Name: "", Slug: "pots"}, "name"},
				{models.StoreInput{Name: "\u200b\u200b", Slug: "pots"}, "name"},
				{models.StoreInput{Name: strings.Repeat("é", 61), Slug: "pots"}, "name"},
				{models.StoreInput{Name: "Pots", Slug: "pots", Bio: strings.Repeat("b", 501)}, "bio"},
				{models.StoreInput{Name: "Pots", Slug: "pots", Bio: "bell\x07"}, "bio"},
			} {
				_, err := s.stores.CreateStore(ctx, owner, c.in)
				if models.FieldErrors(err)[c.field] == "" {
					t.Errorf("CreateStore(%+v) = %v, want a message for %s", c.in, err, c.field)
				}
			}
			if _, err := s.stores.StoreForUser(ctx, owner); models.ErrorCode(err) != models.ENOTFOUND {
				t.Fatalf("refused stores were stored: %v", err)
			}

			bio := "Thrown by hand.\r\nFired twice."
			st, err := s.stores.CreateStore(ctx, owner, models.StoreInput{Name: strings.Repeat("é", 60), Slug: " Pots-4-You ", Bio: bio})
			if err != nil {
				t.Fatal(err)
			}
			if st.Slug != "pots-4-you" || st.Bio != "Thrown by hand.\nFired twice." || st.UserID != owner || st.ID == 0 {
				t.Fatalf("stored %+v", st)
			}
			if got, err := s.stores.StoreForUser(ctx, owner); err != nil || got.Slug != st.Slug || !got.CreatedAt.Equal(st.CreatedAt) {
				t.Fatalf("StoreForUser = %+v, %v", got, err)
			}
			_, err = s.stores.CreateStore(ctx, owner, models.StoreInput{Name: "Second", Slug: "second-store"})
			wantCode(t, "a second store", err, models.ECONFLICT)

			rival := s.signUp(t, "rival@example.com")
			for _, slug := range []string{"pots-4-you", "POTS-4-YOU"} {
				_, err := s.stores.CreateStore(ctx, rival, models.StoreInput{Name: "Rival", Slug: slug})
				if msg := models.FieldErrors(err)["slug"]; msg != models.SlugTaken {
					t.Fatalf("CreateStore(%q, taken) = %v, want %q", slug, err, models.SlugTaken)
				}
			}
			_, err = s.stores.CreateStore(ctx, 1<<40, models.StoreInput{Name: "Ghost", Slug: "ghost"})
			if !errors.Is(err, services.ErrUserGone) {
				t.Fatalf("a store for no account: %v", err)
			}
			_, err = s.stores.UpdateStore(ctx, rival, models.StoreInput{Name: "Rival", Slug: "rival"})
			wantCode(t, "UpdateStore without a store", err, models.ENOTFOUND)

			t.Run("DatabaseChecks", func(t *testing.T) {
				for _, bad := range []models.Store{
					{UserID: rival, Name: "", Slug: "fine-slug"},
					{UserID: rival, Name: strings.Repeat("x", 61), Slug: "fine-slug"},
					{UserID: rival, Name: "x", Slug: "Upper"},
					{UserID: rival, Name: "x", Slug: "no"},
					{UserID: rival, Name: "x", Slug: "under_score"},
					{UserID: rival, Name: "x", Slug: "fine-slug", Bio: strings.Repeat("b", 501)},
					{UserID: owner, Name: "x", Slug: "second-of-owner"},
					{UserID: rival, Name: "x", Slug: "pots-4-you"},
				} {
					bad.CreatedAt, bad.UpdatedAt = time.Now(), time.Now()
					if _, err := db.NewInsert().Model(&bad).Exec(ctx); err == nil {
						t.Errorf("the database accepted %+v", bad)
					}
				}
			})
		})
	}
}

// Many accounts claiming one slug at once: one store gets it, every other
// request is the form's "taken" message, never an internal error.
func TestStoreSlugRace(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			users := make([]int64, 8)
			for i := range users {
				users[i] = s.signUp(t, fmt.Sprintf("racer%d@example.com", i))
			}
			errs := make([]error, len(users))
			var wg sync.WaitGroup
			for i, u := range users {
				wg.Go(func() {
					if i%2 == 0 {
						_, errs[i] = s.stores.CreateStore(ctx, u, models.StoreInput{Name: "Popular", Slug: "popular"})
					} else {
						// The first product's store fields take the same path.
						_, errs[i] = s.catalog.CreateProduct(ctx, u, models.ProductInput{Name: "Thing", Price: "1",
							Store: &models.StoreInput{Name: "Popular", Slug: "Popular"}})
					}
				})
			}
			wg.Wait()
			won := 0
			for i, err := range errs {
				f := models.FieldErrors(err)
				switch {
				case err == nil:
					won++
				case f["slug"] == models.SlugTaken || f["store_slug"] == models.SlugTaken:
				default:
					t.Errorf("racer %d: %v", i, err)
				}
			}
			if won != 1 {
				t.Fatalf("%d stores got the slug", won)
			}
			if n, _ := s.catalog.CountProducts(ctx); n > 1 {
				t.Fatalf("%d products stored; only the winner's may be", n)
			}

			// First products without store fields at once, from addresses with
			// the same local part: each gets a store with a slug of its own.
			twins := make([]int64, 6)
			for i := range twins {
				twins[i] = s.signUp(t, fmt.Sprintf("twin@domain%d.example", i))
			}
			slugs := make([]string, len(twins))
			for i, u := range twins {
				wg.Go(func() {
					p, err := s.catalog.CreateProduct(ctx, u, models.ProductInput{Name: "Twin", Price: "1"})
					if err != nil {
						t.Errorf("twin %d: %v", i, err)
						return
					}
					slugs[i] = p.Store.Slug
				})
			}
			wg.Wait()
			slices.Sort(slugs)
			if slugs = slices.Compact(slugs); len(slugs) != len(twins) || slugs[0] != "twin" {
				t.Fatalf("twins' slugs %v", slugs)
			}
		})
	}
}

func TestStoreSlugChangeRedirects(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			a, b := s.signUp(t, "a@example.com"), s.signUp(t, "b@example.com")
			store, err := s.stores.CreateStore(ctx, a, models.StoreInput{Name: "A", Slug: "first"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.stores.CreateStore(ctx, b, models.StoreInput{Name: "B", Slug: "bees"}); err != nil {
				t.Fatal(err)
			}
			resolves := func(slug string, want int64, wantSlug string) {
				t.Helper()
				st, err := s.stores.StoreBySlug(ctx, slug)
				if err != nil || st.ID != want || st.Slug != wantSlug {
					t.Fatalf("StoreBySlug(%q) = %+v, %v; want store %d at %q", slug, st, err, want, wantSlug)
				}
			}
			rename := func(user int64, slug string) error {
				_, err := s.stores.UpdateStore(ctx, user, models.StoreInput{Name: "Renamed", Slug: slug, Bio: "New bio"})
				return err
			}

			if err := rename(a, "second"); err != nil {
				t.Fatal(err)
			}
			resolves("second", store.ID, "second")
			resolves("first", store.ID, "second") // the handler answers 301 to /stores/second
			resolves("FIRST", store.ID, "second")
			resolves("Second", store.ID, "second")

			// While it redirects, nobody else may take the old slug.
			_, err = s.stores.CreateStore(ctx, s.signUp(t, "c@example.com"), models.StoreInput{Name: "C", Slug: "first"})
			if models.FieldErrors(err)["slug"] != models.SlugTaken {
				t.Fatalf("another new store took a redirecting slug: %v", err)
			}
			if err := rename(b, "first"); models.FieldErrors(err)["slug"] != models.SlugTaken {
				t.Fatalf("another store took a redirecting slug: %v", err)
			}

			if err := rename(a, "third"); err != nil {
				t.Fatal(err)
			}
			resolves("first", store.ID, "third")
			resolves("second", store.ID, "third")
			// The store may take its own old slug back; the one it leaves redirects.
			if err := rename(a, "first"); err != nil {
				t.Fatalf("taking back an old slug: %v", err)
			}
			resolves("third", store.ID, "first")
			resolves("second", store.ID, "first")

			// After SlugRedirectMinAge another store may claim an old slug.
			old := time.Now().Add(-services.SlugRedirectMinAge - time.Hour)
			if _, err := db.NewUpdate().Table("store_slug_redirects").Set("created_at = ?", old).Where("old_slug = 'second'").Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if err := rename(b, "third"); models.FieldErrors(err)["slug"] != models.SlugTaken {
				t.Fatalf("a recent redirect was taken: %v", err)
			}
			if err := rename(b, "second"); err != nil {
				t.Fatalf("claiming a redirect older than %v: %v", services.SlugRedirectMinAge, err)
			}
			bStore, _ := s.stores.StoreForUser(ctx, b)
			resolves("second", bStore.ID, "second")
			resolves("bees", bStore.ID, "second")
			resolves("third", store.ID, "first")

			for _, slug := range []string{"nobody-here", "x", "", "../etc", "first/", strings.Repeat("a", 41)} {
				_, err := s.stores.StoreBySlug(ctx, slug)
				wantCode(t, "StoreBySlug("+slug+")", err, models.ENOTFOUND)
			}
		})
	}
}

// A seller's first product creates their store, from the form's store fields
// or, without them, from their email; later products keep it.
func TestFirstProductCreatesTheStore(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			potter, rival := s.signUp(t, "potter@example.com"), s.signUp(t, "rival@example.com")

			if _, err := s.stores.StoreForUser(ctx, potter); models.ErrorCode(err) != models.ENOTFOUND {
				t.Fatalf("an account that only buys has a store: %v", err)
			}
			suggested, err := s.stores.SuggestStore(ctx, potter)
			if err != nil || suggested != (models.StoreInput{Name: "potter", Slug: "potter"}) {
				t.Fatalf("SuggestStore = %+v, %v", suggested, err)
			}

			_, err = s.catalog.CreateProduct(ctx, potter, models.ProductInput{Name: "", Price: "2",
				Store: &models.StoreInput{Name: "", Slug: "admin"}})
			if f := models.FieldErrors(err); f["name"] == "" || f["store_name"] == "" || f["store_slug"] == "" {
				t.Fatalf("want the product's and the store's messages: %v", err)
			}
			first, err := s.catalog.CreateProduct(ctx, potter, models.ProductInput{Name: "Bowl", Price: "2",
				Store: &models.StoreInput{Name: "Pots & Pans", Slug: "Pots", Bio: "Hand made."}})
			if err != nil {
				t.Fatal(err)
			}
			if first.Store != (models.StoreRef{Name: "Pots & Pans", Slug: "pots"}) {
				t.Fatalf("the product names %+v", first.Store)
			}
			if _, err := s.catalog.CreateProduct(ctx, potter, models.ProductInput{Name: "Cup", Price: "3",
				Store: &models.StoreInput{Name: "Other", Slug: "other-name"}}); err != nil {
				t.Fatal(err)
			}
			if st, _ := s.stores.StoreForUser(ctx, potter); st.Slug != "pots" || st.Bio != "Hand made." {
				t.Fatalf("a later product changed the store: %+v", st)
			}

			before, _ := s.catalog.CountProducts(ctx)
			_, err = s.catalog.CreateProduct(ctx, rival, models.ProductInput{Name: "Jug", Price: "4",
				Store: &models.StoreInput{Name: "Mine", Slug: "pots"}})
			if models.FieldErrors(err)["store_slug"] != models.SlugTaken {
				t.Fatalf("a taken slug on the first product: %v", err)
			}
			if after, _ := s.catalog.CountProducts(ctx); after != before {
				t.Fatal("the product was stored without its store")
			}
			if _, err := s.stores.StoreForUser(ctx, rival); models.ErrorCode(err) != models.ENOTFOUND {
				t.Fatalf("a refused first product left a store: %v", err)
			}

			// No store fields: the suggestion, made unique.
			twins := []int64{s.signUp(t, "jane.doe@example.com"), s.signUp(t, "Jane.Doe+shop@example.org")}
			for i, want := range []string{"jane-doe", "jane-doe-shop"} {
				p := s.sell(t, twins[i], "Scarf", models.ProductPublished)
				if p.Store.Slug != want {
					t.Errorf("store of %d: %+v, want slug %s", twins[i], p.Store, want)
				}
			}
			third := s.signUp(t, "jane_doe@example.net")
			if p := s.sell(t, third, "Hat", ""); p.Store.Slug != "jane-doe-2" || p.Status != models.ProductPublished {
				t.Fatalf("third jane: %+v", p)
			}

			list, err := s.catalog.ListProducts(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range list.Products {
				if p.Store.Slug == "" || p.Store.Name == "" {
					t.Errorf("card without its store: %+v", p)
				}
			}
		})
	}
}

func TestStoreProductsPaginated(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			seller, other := s.signUp(t, "many@example.com"), s.signUp(t, "few@example.com")
			var published []int64
			for i := range models.ProductsPerPage + 2 {
				published = append(published, s.sell(t, seller, fmt.Sprintf("Item %d", i), models.ProductPublished).ID)
				s.sell(t, other, fmt.Sprintf("Theirs %d", i), models.ProductPublished)
			}
			s.sell(t, seller, "Draft", models.ProductDraft)
			store, err := s.stores.StoreBySlug(ctx, "many")
			if err != nil {
				t.Fatal(err)
			}
			first, err := s.stores.StoreProducts(ctx, *store, 1)
			if err != nil || len(first.Products) != models.ProductsPerPage || !first.HasNext || first.HasPrev {
				t.Fatalf("page 1: %d products, next %v, prev %v, %v", len(first.Products), first.HasNext, first.HasPrev, err)
			}
			if first.Products[0].ID != published[len(published)-1] || first.Products[0].Store.Slug != "many" {
				t.Fatalf("page 1 starts with %+v, want the newest", first.Products[0])
			}
			second, err := s.stores.StoreProducts(ctx, *store, 2)
			if err != nil || len(second.Products) != 2 || second.HasNext || !second.HasPrev || second.Products[1].ID != published[0] {
				t.Fatalf("page 2: %+v, %v", second, err)
			}
			if third, err := s.stores.StoreProducts(ctx, *store, 3); err != nil || len(third.Products) != 0 {
				t.Fatalf("page 3: %+v, %v", third, err)
			}
		})
	}
}

// RecentStores lists stores with public products, the most recently active
// first; drafts and deleted products make no store recent.
func TestRecentStores(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			first, second, drafter := s.signUp(t, "first@example.com"), s.signUp(t, "second@example.com"), s.signUp(t, "drafter@example.com")
			s.sell(t, first, "Old", models.ProductPublished)
			s.sell(t, second, "Newer", models.ProductPublished)
			s.sell(t, drafter, "Draft", models.ProductDraft)
			s.sell(t, first, "Newest", models.ProductPublished)
			stores, err := s.stores.RecentStores(ctx, 5)
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, st := range stores {
				slugs = append(slugs, st.Slug)
			}
			if got := strings.Join(slugs, ","); got != "first,second" {
				t.Fatalf("recent stores %q, want first,second", got)
			}
			if one, err := s.stores.RecentStores(ctx, 1); err != nil || len(one) != 1 || one[0].Slug != "first" {
				t.Fatalf("limit 1: %+v, %v", one, err)
			}
		})
	}
}
