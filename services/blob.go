package services

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/s3blob"
)

// BlobDir is the directory under the data directory that holds the embedded
// blob store's files.
const BlobDir = "files"

// BlobConfig says where uploaded files are kept.
type BlobConfig struct {
	// URL is an S3 bucket, s3://bucket?endpoint=https://...&region=...&use_path_style=true
	// (gocloud.dev's s3blob form; credentials come from the AWS SDK's usual
	// sources: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance
	// role). Every app instance sees the same files. Empty: files on local disk.
	URL string
	// DataDir holds the local files, in DataDir/files, when URL is empty.
	DataDir string
}

// OpenBlobStore opens the bucket uploads go to: S3 for an s3:// URL, else a
// directory on local disk (created if missing). It does not contact S3, so a
// store that is down at start-up does not stop the app. Close the bucket on
// shutdown.
func OpenBlobStore(ctx context.Context, cfg BlobConfig) (*blob.Bucket, error) {
	if cfg.URL != "" {
		return openS3Bucket(ctx, cfg.URL)
	}
	dir, err := filepath.Abs(filepath.Join(cfg.DataDir, BlobDir))
	if err != nil {
		return nil, err
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{
		CreateDir: true,
		// Temporary files next to the final ones: the data directory is often a
		// mounted volume, and a rename from /tmp across mounts fails.
		NoTempDir: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open blob store %s: %w", dir, err)
	}
	return b, nil
}

// openS3Bucket goes through s3blob's URL opener, which sets up the AWS SDK only
// when an s3:// URL is actually opened: the local default pays nothing for it at
// start-up. The mux is our own, so only s3:// is accepted.
func openS3Bucket(ctx context.Context, rawURL string) (*blob.Bucket, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != s3blob.Scheme || u.Host == "" {
		return nil, fmt.Errorf("BLOB_URL: want s3://bucket?endpoint=...&region=..., got %q", rawURL)
	}
	mux := new(blob.URLMux)
	mux.RegisterBucket(s3blob.Scheme, new(s3blob.URLOpener))
	b, err := mux.OpenBucketURL(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("open BLOB_URL bucket %s: %w", u.Host, err)
	}
	return b, nil
}
