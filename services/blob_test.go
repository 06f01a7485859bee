package services

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"gocloud.dev/blob"

	"github.com/storefront/storefront/internal/testenv"
)

// Two app instances configured alike must see each other's files: on S3 by
// sharing the bucket, on local disk by sharing DATA_DIR.
func TestBlobStoreSharedBetweenInstances(t *testing.T) {
	for name, cfg := range map[string]func(t *testing.T) BlobConfig{
		"fileblob": func(t *testing.T) BlobConfig { return BlobConfig{DataDir: filepath.Join(t.TempDir(), "data")} },
		"s3":       func(t *testing.T) BlobConfig { return BlobConfig{URL: testenv.S3(t)} },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := cfg(t)
			ctx := context.Background()
			writer, reader := openBlobStore(t, cfg), openBlobStore(t, cfg)
			payload := bytes.Repeat([]byte("\x89PNG\r\n\x1a\n image bytes "), 1000)
			err := writer.WriteAll(ctx, "products/1/photo.png", payload, &blob.WriterOptions{ContentType: "image/png"})
			if err != nil {
				t.Fatal(err)
			}

			got, err := reader.ReadAll(ctx, "products/1/photo.png")
			if err != nil || !bytes.Equal(got, payload) {
				t.Fatalf("read through the other instance: %d bytes, %v; want %d bytes", len(got), err, len(payload))
			}
			attrs, err := reader.Attributes(ctx, "products/1/photo.png")
			if err != nil || attrs.ContentType != "image/png" || attrs.Size != int64(len(payload)) {
				t.Fatalf("attributes %+v, %v", attrs, err)
			}
			if ok, err := reader.Exists(ctx, "products/1/missing.png"); err != nil || ok {
				t.Fatalf("a missing key exists: %v, %v", ok, err)
			}

			if err := reader.Delete(ctx, "products/1/photo.png"); err != nil {
				t.Fatal(err)
			}
			if ok, err := writer.Exists(ctx, "products/1/photo.png"); err != nil || ok {
				t.Fatalf("deleted through one instance, still seen by the other: %v, %v", ok, err)
			}
		})
	}
}

func TestBlobStoreLocalDefaultLayout(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "data")
	b := openBlobStore(t, BlobConfig{DataDir: dataDir})
	if err := b.WriteAll(context.Background(), "a/b.txt", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dataDir, BlobDir, "a", "b.txt")); err != nil || string(got) != "x" {
		t.Fatalf("file under DATA_DIR/%s: %q, %v", BlobDir, got, err)
	}
}

func TestBlobStoreRefusesOtherURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"gs://bucket", "file:///tmp/x", "s3://", "not a url", "mem://"} {
		if b, err := OpenBlobStore(context.Background(), BlobConfig{URL: u}); err == nil {
			b.Close()
			t.Errorf("%q accepted", u)
		}
	}
}

func openBlobStore(t *testing.T, cfg BlobConfig) *blob.Bucket {
	t.Helper()
	b, err := OpenBlobStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}
