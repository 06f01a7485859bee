package services_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"testing"

	"github.com/uptrace/bun"
	"gocloud.dev/blob"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// shop is one database with the services of the seller tools, and the bucket
// its images go to.
type shop struct {
	db       *bun.DB
	accounts *services.Accounts
	catalog  *services.Catalog
	stores   *services.Stores
	images   *services.ProductImages
	bucket   *blob.Bucket
}

// newShop wires the services on db; bucket nil is a local (fileblob) store in
// a temporary directory.
func newShop(t *testing.T, db *bun.DB, bucket *blob.Bucket) *shop {
	t.Helper()
	if bucket == nil {
		bucket = openBucket(t, services.BlobConfig{DataDir: filepath.Join(t.TempDir(), "data")})
	}
	return &shop{
		db:       db,
		accounts: services.NewAccounts(db, services.FastHasher(t)),
		catalog:  services.NewCatalog(db),
		stores:   services.NewStores(db),
		images:   services.NewProductImages(db, services.NewImages(1), bucket),
		bucket:   bucket,
	}
}

func openBucket(t *testing.T, cfg services.BlobConfig) *blob.Bucket {
	t.Helper()
	b, err := services.OpenBlobStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// signUp makes an account and returns its id.
func (s *shop) signUp(t *testing.T, email string) int64 {
	t.Helper()
	u, err := s.accounts.SignUp(context.Background(), models.Credentials{Email: email, Password: "a perfectly fine password"})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// sell creates a product for the seller (their store too, the first time).
func (s *shop) sell(t *testing.T, sellerID int64, name string, status models.ProductStatus) *models.Product {
	t.Helper()
	p, err := s.catalog.CreateProduct(context.Background(), sellerID, models.ProductInput{Name: name, Price: "12.50", Status: status})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// version returns the catalogue version.
func (s *shop) version(t *testing.T) string {
	t.Helper()
	v, err := s.catalog.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// productState is everything about a product that a write could change,
// read straight from the tables.
type productState struct {
	Product models.Product
	Images  []models.ProductImage
}

func (s *shop) state(t *testing.T, id int64) productState {
	t.Helper()
	ctx := context.Background()
	var st productState
	if err := s.db.NewSelect().Model(&st.Product).Where("id = ?", id).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.db.NewSelect().Model(&st.Images).Where("product_id = ?", id).Order("position").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// testPNG is a small PNG whose pixels (and so variant keys) follow seed.
func testPNG(w, h int, seed uint8) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x*4) + seed, G: uint8(y*4) ^ seed, B: seed * 7, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // writing to memory
	}
	return buf.Bytes()
}

// wantCode fails the test unless err has the code.
func wantCode(t *testing.T, what string, err error, code models.Code) {
	t.Helper()
	if models.ErrorCode(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}
