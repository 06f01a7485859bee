package main

import (
	"context"
	"log/slog"
	"net/url"
	"path/filepath"

	"gocloud.dev/blob"

	"github.com/storefront/storefront/services"
)

// openFileStore opens the blob store for uploads: the BLOB_URL bucket, else
// DATA_DIR/files on local disk.
func openFileStore(ctx context.Context, cfg Config, log *slog.Logger) (*blob.Bucket, error) {
	b, err := services.OpenBlobStore(ctx, services.BlobConfig{URL: cfg.BlobURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	if cfg.BlobURL != "" {
		u, _ := url.Parse(cfg.BlobURL)
		log.Info("files are kept in S3", "bucket", u.Host, "endpoint", u.Query().Get("endpoint"))
	} else {
		log.Info("files are kept on local disk", "dir", filepath.Join(cfg.DataDir, services.BlobDir))
	}
	return b, nil
}
