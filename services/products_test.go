package services_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// sellerOperation is one thing a seller can do to a product (and, for some,
// to one of its images).
type sellerOperation struct {
	name string
	// start is the product's status before the operation (Unpublish needs a
	// published product to have something to change).
	start models.ProductStatus
	run   func(s *shop, sellerID, productID, imageID int64, images []int64) error
}

var sellerOperations = []sellerOperation{
	{"ProductForSeller", models.ProductDraft, func(s *shop, seller, product, _ int64, _ []int64) error {
		_, err := s.catalog.ProductForSeller(context.Background(), seller, product)
		return err
	}},
	{"UpdateProduct", models.ProductDraft, func(s *shop, seller, product, _ int64, _ []int64) error {
		_, err := s.catalog.UpdateProduct(context.Background(), seller, product,
			models.ProductInput{Name: "Changed", Description: "New words", Price: "99", Status: models.ProductPublished})
		return err
	}},
	{"Publish", models.ProductDraft, func(s *shop, seller, product, _ int64, _ []int64) error {
		return s.catalog.Publish(context.Background(), seller, product)
	}},
	{"Unpublish", models.ProductPublished, func(s *shop, seller, product, _ int64, _ []int64) error {
		return s.catalog.Unpublish(context.Background(), seller, product)
	}},
	{"DeleteProduct", models.ProductDraft, func(s *shop, seller, product, _ int64, _ []int64) error {
		return s.catalog.DeleteProduct(context.Background(), seller, product)
	}},
	{"AddImages", models.ProductDraft, func(s *shop, seller, product, _ int64, _ []int64) error {
		_, err := s.images.AddImages(context.Background(), seller, product, [][]byte{testPNG(20, 10, 99)})
		return err
	}},
	{"SetAlt", models.ProductDraft, func(s *shop, seller, product, image int64, _ []int64) error {
		return s.images.SetAlt(context.Background(), seller, product, image, "Another description")
	}},
	{"Reorder", models.ProductDraft, func(s *shop, seller, product, _ int64, images []int64) error {
		return s.images.Reorder(context.Background(), seller, product, []int64{images[1], images[0]})
	}},
	{"DeleteImage", models.ProductDraft, func(s *shop, seller, product, image int64, _ []int64) error {
		return s.images.DeleteImage(context.Background(), seller, product, image)
	}},
}

// pictured creates a product of the seller with two described images.
func (s *shop) pictured(t *testing.T, sellerID int64, status models.ProductStatus) (*models.Product, []int64) {
	t.Helper()
	ctx := context.Background()
	p := s.sell(t, sellerID, "Pictured mug", models.ProductDraft)
	added, err := s.images.AddImages(ctx, sellerID, p.ID, [][]byte{testPNG(24, 16, 1), testPNG(16, 24, 2)})
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{added[0].ID, added[1].ID}
	for _, id := range ids {
		if err := s.images.SetAlt(ctx, sellerID, p.ID, id, "A mug"); err != nil {
			t.Fatal(err)
		}
	}
	if status == models.ProductPublished {
		if err := s.catalog.Publish(ctx, sellerID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	return p, ids
}

// Every seller operation, for a product of another seller, for a guest, or
// for a product that does not exist, is ENOTFOUND and changes nothing (the
// rows and the catalogue version); the owner's succeeds.
func TestSellerOperationsOwnership(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			s := newShop(t, db, nil)
			owner, other := s.signUp(t, "owner@example.com"), s.signUp(t, "other@example.com")
			const guest = 0
			theirs, theirImages := s.pictured(t, other, models.ProductDraft)

			for _, op := range sellerOperations {
				t.Run(op.name, func(t *testing.T) {
					p, images := s.pictured(t, owner, op.start)
					refused := []struct {
						who              string
						seller, product  int64
						image            int64
						checkedProductID int64
					}{
						{"other seller", other, p.ID, images[0], p.ID},
						{"guest", guest, p.ID, images[0], p.ID},
						{"missing product", owner, 1 << 40, images[0], p.ID},
						// The owner's product with another seller's image in the URL.
						{"other seller's image", owner, p.ID, theirImages[0], theirs.ID},
					}
					for _, r := range refused {
						if r.who == "other seller's image" && !slices.Contains([]string{"SetAlt", "DeleteImage"}, op.name) {
							continue
						}
						before, version := s.state(t, r.checkedProductID), s.version(t)
						mine := s.state(t, p.ID)
						err := op.run(s, r.seller, r.product, r.image, images)
						wantCode(t, r.who, err, models.ENOTFOUND)
						if after := s.state(t, r.checkedProductID); !reflect.DeepEqual(after, before) {
							t.Fatalf("%s: the product changed:\n%+v\n%+v", r.who, before, after)
						}
						if after := s.state(t, p.ID); !reflect.DeepEqual(after, mine) {
							t.Fatalf("%s: the owner's product changed", r.who)
						}
						if v := s.version(t); v != version {
							t.Fatalf("%s: the catalogue version changed", r.who)
						}
					}
					if err := op.run(s, owner, p.ID, images[0], images); err != nil {
						t.Fatalf("owner: %v", err)
					}
				})
			}
		})
	}
}

// The owner's operations do what they say.
func TestSellerOperationsEffects(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			seller := s.signUp(t, "maker@example.com")
			p, images := s.pictured(t, seller, models.ProductDraft)

			updated, err := s.catalog.UpdateProduct(ctx, seller, p.ID, models.ProductInput{Name: " Big mug ", Description: "Holds 500 ml.", Price: "30"})
			if err != nil {
				t.Fatal(err)
			}
			got := s.state(t, p.ID).Product
			if got.Name != "Big mug" || got.Description != "Holds 500 ml." || got.PriceCents != 3000 || got.Status != models.ProductDraft ||
				!got.UpdatedAt.After(p.UpdatedAt) || !got.CreatedAt.Equal(p.CreatedAt) || updated.Name != "Big mug" {
				t.Fatalf("after the edit: %+v (returned %+v)", got, updated)
			}

			_, err = s.catalog.UpdateProduct(ctx, seller, p.ID, models.ProductInput{Name: "", Price: "x"})
			if f := models.FieldErrors(err); f["name"] == "" || f["price"] == "" {
				t.Fatalf("invalid edit: %v", err)
			}
			if again := s.state(t, p.ID).Product; again.Name != "Big mug" {
				t.Fatalf("an invalid edit changed the product: %+v", again)
			}

			if err := s.catalog.Publish(ctx, seller, p.ID); err != nil || s.state(t, p.ID).Product.Status != models.ProductPublished {
				t.Fatalf("publish: %v", err)
			}
			if err := s.catalog.Unpublish(ctx, seller, p.ID); err != nil || s.state(t, p.ID).Product.Status != models.ProductDraft {
				t.Fatalf("unpublish: %v", err)
			}
			if _, err := s.catalog.UpdateProduct(ctx, seller, p.ID, models.ProductInput{Name: "Big mug", Price: "30", Status: models.ProductPublished}); err != nil ||
				s.state(t, p.ID).Product.Status != models.ProductPublished {
				t.Fatalf("publish by the edit form: %v", err)
			}

			if cover := s.state(t, p.ID); !reflect.DeepEqual(cover.Product.Cover, cover.Images[0].Image) || cover.Product.Cover.Alt != "A mug" {
				t.Fatalf("the product's cover %+v, want its first image %+v", cover.Product.Cover, cover.Images[0].Image)
			}
			if err := s.images.Reorder(ctx, seller, p.ID, []int64{images[1], images[0]}); err != nil {
				t.Fatal(err)
			}
			st := s.state(t, p.ID)
			if st.Images[0].ID != images[1] || st.Images[1].ID != images[0] || st.Images[0].Position != 0 || st.Images[1].Position != 1 {
				t.Fatalf("after reorder: %+v", st.Images)
			}
			if !reflect.DeepEqual(st.Product.Cover, st.Images[0].Image) {
				t.Fatalf("after reorder the cover is %+v, want %+v", st.Product.Cover, st.Images[0].Image)
			}
			if err := s.images.SetAlt(ctx, seller, p.ID, images[1], "The handle"); err != nil || s.state(t, p.ID).Product.Cover.Alt != "The handle" {
				t.Fatalf("the cover's alt text follows its image: %v", err)
			}
			for _, bad := range [][]int64{{images[0]}, {images[0], images[0]}, {images[0], images[1], 424242}, {images[1], 424242}} {
				wantCode(t, "reorder with the wrong ids", s.images.Reorder(ctx, seller, p.ID, bad), models.ECONFLICT)
			}
			if err := s.images.DeleteImage(ctx, seller, p.ID, images[1]); err != nil {
				t.Fatal(err)
			}
			if st := s.state(t, p.ID); len(st.Images) != 1 || st.Images[0].ID != images[0] || st.Images[0].Position != 0 ||
				!reflect.DeepEqual(st.Product.Cover, st.Images[0].Image) {
				t.Fatalf("after deleting the cover: %+v", st)
			}
			wantCode(t, "delete it again", s.images.DeleteImage(ctx, seller, p.ID, images[1]), models.ENOTFOUND)
			if err := s.images.DeleteImage(ctx, seller, p.ID, images[0]); err != nil {
				t.Fatal(err)
			}
			if st := s.state(t, p.ID); len(st.Images) != 0 || !st.Product.Cover.IsZero() || st.Product.Cover.Alt != "" {
				t.Fatalf("without images the product keeps a cover: %+v", st.Product.Cover)
			}

			if _, err := s.images.AddImages(ctx, seller, p.ID, [][]byte{testPNG(9, 9, 9)}); err != nil {
				t.Fatal(err)
			}
			if err := s.catalog.DeleteProduct(ctx, seller, p.ID); err != nil {
				t.Fatal(err)
			}
			if st := s.state(t, p.ID); !st.Product.IsDeleted() || len(st.Images) != 1 {
				t.Fatalf("a deleted product keeps its row and images: %+v", st)
			}
		})
	}
}

// Drafts are their seller's alone: in no public list, page, store page or
// dashboard of anyone else.
func TestDraftsHiddenFromPublicReads(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			seller, other := s.signUp(t, "drafter@example.com"), s.signUp(t, "nosy@example.com")
			shown := s.sell(t, seller, "Shown", models.ProductPublished)
			draft := s.sell(t, seller, "Hidden", models.ProductDraft)
			if draft.Status != models.ProductDraft || shown.Status != models.ProductPublished {
				t.Fatalf("created %s and %s", shown.Status, draft.Status)
			}

			list, err := s.catalog.ListProducts(ctx, 1)
			if err != nil || len(list.Products) != 1 || list.Products[0].ID != shown.ID {
				t.Fatalf("list: %+v, %v", list.Products, err)
			}
			_, err = s.catalog.ProductByID(ctx, draft.ID)
			wantCode(t, "ProductByID(draft)", err, models.ENOTFOUND)
			for _, viewer := range []int64{0, other} {
				_, err = s.catalog.ProductForViewer(ctx, viewer, draft.ID)
				wantCode(t, "ProductForViewer(draft) by someone else", err, models.ENOTFOUND)
				if p, err := s.catalog.ProductForViewer(ctx, viewer, shown.ID); err != nil || p.ID != shown.ID {
					t.Fatalf("ProductForViewer(published) by %d: %v", viewer, err)
				}
			}
			if p, err := s.catalog.ProductForViewer(ctx, seller, draft.ID); err != nil || !p.IsDraft() || p.Store.Slug != "drafter" {
				t.Fatalf("the seller's own draft: %+v, %v", p, err)
			}

			store, err := s.stores.StoreForUser(ctx, seller)
			if err != nil {
				t.Fatal(err)
			}
			page, err := s.stores.StoreProducts(ctx, *store, 1)
			if err != nil || len(page.Products) != 1 || page.Products[0].ID != shown.ID {
				t.Fatalf("store page: %+v, %v", page.Products, err)
			}

			d, err := s.catalog.SellerDashboard(ctx, seller)
			if err != nil || len(d.Products) != 2 || d.Published != 1 || d.Drafts != 1 {
				t.Fatalf("dashboard: %+v, %v", d, err)
			}
			if d, err := s.catalog.SellerDashboard(ctx, other); err != nil || len(d.Products) != 0 || d.Store != nil {
				t.Fatalf("another account's dashboard: %+v, %v", d, err)
			}
		})
	}
}

// A deleted product is gone everywhere, for its seller too; its row stays.
func TestDeletedProductsHiddenEverywhere(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			seller := s.signUp(t, "leaver@example.com")
			kept := s.sell(t, seller, "Kept", models.ProductPublished)
			gone := s.sell(t, seller, "Gone", models.ProductPublished)
			before, _ := s.catalog.CountProducts(ctx)
			if err := s.catalog.DeleteProduct(ctx, seller, gone.ID); err != nil {
				t.Fatal(err)
			}

			list, err := s.catalog.ListProducts(ctx, 1)
			if err != nil || len(list.Products) != 1 || list.Products[0].ID != kept.ID {
				t.Fatalf("list: %+v, %v", list.Products, err)
			}
			for what, read := range map[string]func() error{
				"ProductByID":             func() error { _, err := s.catalog.ProductByID(ctx, gone.ID); return err },
				"ProductForViewer(owner)": func() error { _, err := s.catalog.ProductForViewer(ctx, seller, gone.ID); return err },
				"ProductForSeller":        func() error { _, err := s.catalog.ProductForSeller(ctx, seller, gone.ID); return err },
				"UpdateProduct": func() error {
					_, err := s.catalog.UpdateProduct(ctx, seller, gone.ID, models.ProductInput{Name: "Back", Price: "1"})
					return err
				},
				"Publish":       func() error { return s.catalog.Publish(ctx, seller, gone.ID) },
				"DeleteProduct": func() error { return s.catalog.DeleteProduct(ctx, seller, gone.ID) },
				"AddImages": func() error {
					_, err := s.images.AddImages(ctx, seller, gone.ID, [][]byte{testPNG(8, 8, 3)})
					return err
				},
			} {
				wantCode(t, what, read(), models.ENOTFOUND)
			}
			mine, err := s.catalog.ProductsBySeller(ctx, seller)
			if err != nil || len(mine) != 1 || mine[0].ID != kept.ID {
				t.Fatalf("ProductsBySeller: %+v, %v", mine, err)
			}
			d, err := s.catalog.SellerDashboard(ctx, seller)
			if err != nil || len(d.Products) != 1 || d.Products[0].ID != kept.ID || d.Published != 1 {
				t.Fatalf("dashboard: %+v, %v", d, err)
			}
			store, _ := s.stores.StoreForUser(ctx, seller)
			if page, err := s.stores.StoreProducts(ctx, *store, 1); err != nil || len(page.Products) != 1 {
				t.Fatalf("store page: %+v, %v", page.Products, err)
			}
			if after, _ := s.catalog.CountProducts(ctx); after != before {
				t.Fatalf("the row must stay for past orders: %d products, then %d", before, after)
			}
		})
	}
}

// A product with an image that has no alt text cannot be published, by
// Publish or by the edit form, and stays as it was.
func TestPublishNeedsAltTexts(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			seller := s.signUp(t, "describer@example.com")
			p := s.sell(t, seller, "Vase", models.ProductDraft)
			added, err := s.images.AddImages(ctx, seller, p.ID, [][]byte{testPNG(12, 12, 4), testPNG(12, 12, 5)})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.images.SetAlt(ctx, seller, p.ID, added[0].ID, "A blue vase"); err != nil {
				t.Fatal(err)
			}
			before := s.state(t, p.ID)

			err = s.catalog.Publish(ctx, seller, p.ID)
			wantCode(t, "Publish", err, models.EINVALID)
			fields := models.FieldErrors(err)
			if fields[models.ImageAltField(added[1].ID)] == "" || fields[models.ImageAltField(added[0].ID)] != "" {
				t.Fatalf("want a message for the undescribed image only: %v", fields)
			}
			_, err = s.catalog.UpdateProduct(ctx, seller, p.ID, models.ProductInput{Name: "Vase!", Price: "5", Status: models.ProductPublished})
			wantCode(t, "UpdateProduct(publish)", err, models.EINVALID)
			if after := s.state(t, p.ID); !reflect.DeepEqual(after, before) {
				t.Fatalf("a refused publish changed the product:\n%+v\n%+v", before, after)
			}

			for _, bad := range []string{"", "   ", "\u200b", "tab\tbed", "x\u202Ey"} {
				err := s.images.SetAlt(ctx, seller, p.ID, added[1].ID, bad)
				if models.FieldErrors(err)[models.ImageAltField(added[1].ID)] == "" {
					t.Errorf("SetAlt(%q) = %v, want a message for the field", bad, err)
				}
			}
			if err := s.images.SetAlt(ctx, seller, p.ID, added[1].ID, "  The same vase from above "); err != nil {
				t.Fatal(err)
			}
			if got := s.state(t, p.ID).Images[1].Alt; got != "The same vase from above" {
				t.Fatalf("alt stored as %q", got)
			}
			if err := s.catalog.Publish(ctx, seller, p.ID); err != nil {
				t.Fatalf("publish with every image described: %v", err)
			}
		})
	}
}

// Every write gives the catalogue a new version in its transaction, so cached
// pages of every instance follow it at once; a refused write does not.
func TestSellerWritesBumpTheCatalogVersion(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			seller := s.signUp(t, "bumper@example.com")
			p := s.sell(t, seller, "Lamp", models.ProductDraft)
			var images []int64
			writes := []struct {
				name string
				run  func() error
			}{
				{"AddImages", func() error {
					added, err := s.images.AddImages(ctx, seller, p.ID, [][]byte{testPNG(10, 10, 6), testPNG(10, 10, 7)})
					for _, a := range added {
						images = append(images, a.ID)
					}
					return err
				}},
				{"SetAlt", func() error { return s.images.SetAlt(ctx, seller, p.ID, images[0], "A lamp") }},
				{"SetAlt 2", func() error { return s.images.SetAlt(ctx, seller, p.ID, images[1], "Its shade") }},
				{"Reorder", func() error { return s.images.Reorder(ctx, seller, p.ID, []int64{images[1], images[0]}) }},
				{"DeleteImage", func() error { return s.images.DeleteImage(ctx, seller, p.ID, images[1]) }},
				{"UpdateProduct", func() error {
					_, err := s.catalog.UpdateProduct(ctx, seller, p.ID, models.ProductInput{Name: "Desk lamp", Price: "40"})
					return err
				}},
				{"Publish", func() error { return s.catalog.Publish(ctx, seller, p.ID) }},
				{"Unpublish", func() error { return s.catalog.Unpublish(ctx, seller, p.ID) }},
				{"UpdateStore", func() error {
					_, err := s.stores.UpdateStore(ctx, seller, models.StoreInput{Name: "Lamps", Slug: "lamps"})
					return err
				}},
				{"DeleteProduct", func() error { return s.catalog.DeleteProduct(ctx, seller, p.ID) }},
				{"CreateProduct", func() error { s.sell(t, seller, "Another lamp", models.ProductPublished); return nil }},
				{"CreateStore", func() error {
					_, err := s.stores.CreateStore(ctx, s.signUp(t, "newcomer@example.com"), models.StoreInput{Name: "New", Slug: "newcomer"})
					return err
				}},
			}
			for _, w := range writes {
				before := s.version(t)
				if err := w.run(); err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				if after := s.version(t); after == before {
					t.Errorf("%s kept the catalogue version %q", w.name, before)
				}
			}
			before := s.version(t)
			_, err := s.stores.UpdateStore(ctx, seller, models.StoreInput{Name: "Lamps", Slug: "admin"})
			wantCode(t, "a refused store change", err, models.EINVALID)
			if after := s.version(t); after != before {
				t.Fatal("a refused write changed the version")
			}
		})
	}
}
