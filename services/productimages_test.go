package services_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"gocloud.dev/blob"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

var variantKey = regexp.MustCompile(`^[0-9a-f]{64}\.webp$`)

// objects lists the bucket's media objects.
func objects(t *testing.T, b *blob.Bucket) []string {
	t.Helper()
	var names []string
	it := b.List(&blob.ListOptions{Prefix: "media/"})
	for {
		obj, err := it.Next(context.Background())
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, obj.Key)
	}
}

// Uploaded images are stored as content-addressed variants in the bucket (on
// local disk and on S3) and served by key; refused uploads store nothing.
func TestProductImagesStored(t *testing.T) {
	buckets := map[string]func(t *testing.T) *blob.Bucket{
		"fileblob": func(t *testing.T) *blob.Bucket {
			return openBucket(t, services.BlobConfig{DataDir: filepath.Join(t.TempDir(), "data")})
		},
		"s3": func(t *testing.T) *blob.Bucket { return openBucket(t, services.BlobConfig{URL: testenv.S3(t)}) },
	}
	for bucketName, open := range buckets {
		for dbName, db := range services.Databases(t) {
			t.Run(dbName+"/"+bucketName, func(t *testing.T) {
				testImagesStored(t, newShop(t, db, open(t)), bucketName)
			})
		}
	}
}

func testImagesStored(t *testing.T, s *shop, name string) {
	ctx := context.Background()
	seller := s.signUp(t, "photographer-"+name+"@example.com")
	p := s.sell(t, seller, "Framed print", models.ProductDraft)

	photo := testPNG(900, 600, 10)
	added, err := s.images.AddImages(ctx, seller, p.ID, [][]byte{photo, testPNG(30, 60, 11), photo})
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 3 || added[0].Position != 0 || added[2].Position != 2 || added[0].ID == 0 || added[0].Alt != "" {
		t.Fatalf("added %+v", added)
	}
	if w := []int{added[0].Width, added[0].Height}; w[0] != 900 || w[1] != 600 {
		t.Fatalf("size %v, want the original's 900x600", w)
	}
	var widths []int
	for _, v := range added[0].Variants {
		widths = append(widths, v.Width)
	}
	if !slices.Equal(widths, []int{900, 800, 400}) {
		t.Fatalf("variant widths %v", widths)
	}
	if !slices.Equal(added[0].Variants, added[2].Variants) {
		t.Fatal("identical uploads must name the same objects")
	}

	stored := objects(t, s.bucket)
	if len(stored) != 3+1 {
		t.Fatalf("bucket holds %v; want each distinct variant once", stored)
	}
	for _, img := range added[:2] {
		for _, v := range img.Variants {
			if !variantKey.MatchString(v.Key) {
				t.Fatalf("key %q is not a content address", v.Key)
			}
			m, err := s.images.OpenMedia(ctx, v.Key)
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(m.Body)
			m.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:])+".webp" != v.Key || m.ContentType != "image/webp" || m.Size != int64(len(data)) {
				t.Fatalf("OpenMedia(%s): %d bytes hashing to %x, type %q, size %d", v.Key, len(data), sum, m.ContentType, m.Size)
			}
			name := "media/" + v.Key[:2] + "/" + v.Key
			attrs, err := s.bucket.Attributes(ctx, name)
			if err != nil || attrs.CacheControl != services.MediaCacheControl || attrs.ContentType != "image/webp" {
				t.Fatalf("object %s: %+v, %v", name, attrs, err)
			}
		}
	}
	for _, bad := range []string{"", "..", "../../etc/passwd", strings.Repeat("A", 64) + ".webp", strings.Repeat("a", 63) + ".webp",
		strings.Repeat("a", 64) + ".png", strings.Repeat("a", 64) + ".webp", strings.Repeat("a", 64), "media/" + added[0].Variants[0].Key} {
		_, err := s.images.OpenMedia(ctx, bad)
		wantCode(t, "OpenMedia("+bad+")", err, models.ENOTFOUND)
	}

	// The cover is on the product's card and its dashboard row.
	for _, img := range added {
		if err := s.images.SetAlt(ctx, seller, p.ID, img.ID, "A framed print"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.catalog.Publish(ctx, seller, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.images.Reorder(ctx, seller, p.ID, []int64{added[1].ID, added[0].ID, added[2].ID}); err != nil {
		t.Fatal(err)
	}
	list, err := s.catalog.ListProducts(ctx, 1)
	if err != nil || len(list.Products) != 1 || !slices.Equal(list.Products[0].Cover.Variants, added[1].Variants) ||
		list.Products[0].Cover.Width != 30 || list.Products[0].Cover.Alt != "A framed print" {
		t.Fatalf("card cover: %+v, %v", list.Products, err)
	}
	d, err := s.catalog.SellerDashboard(ctx, seller)
	if err != nil || d.Products[0].Cover.Thumbnail() != added[1].Variants[len(added[1].Variants)-1] {
		t.Fatalf("dashboard cover: %+v, %v", d.Products, err)
	}
	page, err := s.catalog.ProductByID(ctx, p.ID)
	if err != nil || len(page.Images) != 3 || page.Images[0].ID != added[1].ID || page.Images[1].ID != added[0].ID {
		t.Fatalf("product page images: %+v, %v", page, err)
	}

	t.Run("RefusedUploadsStoreNothing", func(t *testing.T) {
		// Five more make eight; a ninth is refused, alone or in a batch.
		var five [][]byte
		for i := range 5 {
			five = append(five, testPNG(20, 20, uint8(20+i)))
		}
		if _, err := s.images.AddImages(ctx, seller, p.ID, five); err != nil {
			t.Fatal(err)
		}
		full := objects(t, s.bucket)
		if rows := s.state(t, p.ID); len(rows.Images) != models.ProductImagesMax {
			t.Fatalf("%d images", len(rows.Images))
		}
		_, err := s.images.AddImages(ctx, seller, p.ID, [][]byte{testPNG(20, 20, 40)})
		if msg := models.FieldErrors(err)[services.ImageFieldName]; !strings.Contains(msg, "at most 8") {
			t.Fatalf("9th image: %v", err)
		}
		other := s.sell(t, seller, "Empty", models.ProductDraft)
		nine := make([][]byte, 9)
		for i := range nine {
			nine[i] = testPNG(20, 20, uint8(50+i))
		}
		_, err = s.images.AddImages(ctx, seller, other.ID, nine)
		wantCode(t, "nine at once", err, models.EINVALID)
		_, err = s.images.AddImages(ctx, seller, other.ID, [][]byte{testPNG(20, 20, 60), []byte("<svg onload=alert(1)>"), testPNG(20, 20, 61)})
		if msg := models.FieldErrors(err)[services.ImageFieldName]; !strings.HasPrefix(msg, "File 2: ") {
			t.Fatalf("a batch with a non-image: %v", err)
		}
		_, err = s.images.AddImages(ctx, seller, other.ID, nil)
		wantCode(t, "no files", err, models.EINVALID)
		if after := objects(t, s.bucket); !slices.Equal(after, full) {
			t.Fatalf("refused uploads stored objects: %d before, %d after", len(full), len(after))
		}
		if after := s.state(t, p.ID); len(after.Images) != models.ProductImagesMax {
			t.Fatalf("%d images after refusals", len(after.Images))
		}
		if st := s.state(t, other.ID); len(st.Images) != 0 {
			t.Fatalf("refused uploads added rows: %+v", st.Images)
		}
	})

	t.Run("UnusedObjectsAreCollected", func(t *testing.T) {
		other := s.sell(t, seller, "Unlucky", models.ProductDraft)
		before := objects(t, s.bucket)
		refuseImageRows(t, s.db)
		// A new picture and one already stored for another product (shared).
		_, err := s.images.AddImages(ctx, seller, other.ID, [][]byte{testPNG(40, 30, 70), photo})
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Fatalf("the insert was meant to fail (after the objects were written): %v", err)
		}
		afterFailure := objects(t, s.bucket)
		if len(afterFailure) != len(before)+1 {
			t.Fatalf("objects after a failed insert: %d, before %d (the new picture's one variant stays until collected)", len(afterFailure), len(before))
		}
		if n, err := s.images.DeleteUnusedMedia(ctx, services.UnusedMediaGrace); err != nil || n != 0 {
			t.Fatalf("within the grace period: removed %d, %v", n, err)
		}
		if n, err := s.images.DeleteUnusedMedia(ctx, 0); err != nil || n != 1 {
			t.Fatalf("after it: removed %d, %v; want the failed upload's one object", n, err)
		}
		if now := objects(t, s.bucket); !slices.Equal(now, before) {
			t.Fatalf("objects after the collection: %v, want %v", now, before)
		}

		// A removed image's objects go, unless another image shares them.
		st := s.state(t, p.ID)
		last := st.Images[len(st.Images)-1]
		if err := s.images.DeleteImage(ctx, seller, p.ID, last.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := s.images.DeleteUnusedMedia(ctx, 0); err != nil || n != int64(len(last.Variants)) {
			t.Fatalf("after deleting an image: removed %d, %v; want its %d variants", n, err, len(last.Variants))
		}
		_, err = s.images.OpenMedia(ctx, last.Variants[0].Key)
		wantCode(t, "a collected variant", err, models.ENOTFOUND)
		for _, img := range s.state(t, p.ID).Images {
			for _, v := range img.Variants {
				m, err := s.images.OpenMedia(ctx, v.Key)
				if err != nil {
					t.Fatalf("variant %s of a live image was collected: %v", v.Key, err)
				}
				m.Body.Close()
			}
		}
	})
}

// refuseImageRows makes every insert into product_images fail until the test
// ends, as a database failure in the middle of AddImages would.
func refuseImageRows(t *testing.T, db *bun.DB) {
	t.Helper()
	ctx := context.Background()
	create := []string{
		`CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
		`CREATE TRIGGER refuse_images BEFORE INSERT ON product_images FOR EACH ROW EXECUTE FUNCTION refuse_row()`,
	}
	drop := []string{`DROP TRIGGER refuse_images ON product_images`, `DROP FUNCTION refuse_row()`}
	if services.DialectName(db) == "sqlite" {
		create = []string{`CREATE TRIGGER refuse_images BEFORE INSERT ON product_images BEGIN SELECT RAISE(ABORT, 'refused'); END`}
		drop = []string{`DROP TRIGGER refuse_images`}
	}
	for _, q := range create {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, q := range drop {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Error(err)
			}
		}
	})
}

func TestMediaURLs(t *testing.T) {
	key := strings.Repeat("ab", 32) + ".webp"
	for cfg, want := range map[services.BlobConfig]string{
		{DataDir: "data"}: "/media/" + key,
		{URL: "s3://shop?endpoint=http://127.0.0.1:9000&region=us-east-1&use_path_style=true"}: "http://127.0.0.1:9000/shop/media/ab/" + key,
		{URL: "s3://shop?endpoint=https://s3.example.com&region=eu"}:                           "https://shop.s3.example.com/media/ab/" + key,
		{URL: "s3://shop?region=eu-west-1"}:                                                    "https://shop.s3.eu-west-1.amazonaws.com/media/ab/" + key,
	} {
		urls, err := services.NewMediaURLs(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := urls.URL(key); got != want {
			t.Errorf("%+v: URL = %q, want %q", cfg, got, want)
		}
	}
	for _, bad := range []string{"s3://shop?endpoint=ftp://x", "s3://shop?endpoint=%zz", "s3://"} {
		if _, err := services.NewMediaURLs(services.BlobConfig{URL: bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
