package services

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/storefront/storefront/models"
)

// Stored image variants are named by their content (ImageVariant.Key: the
// SHA-256 of the bytes in hex, then ".webp"), so a name never changes meaning
// and can be cached for ever. In the bucket a variant lives at
// media/<first two hex digits>/<key>: a directory of the local store holds
// 1/256 of them.

// MediaCacheControl is the caching of every stored variant: a key names the
// same bytes for ever. S3 serves it from the object's metadata.
const MediaCacheControl = "public, max-age=31536000, immutable"

const mediaPrefix = "media/"

// mediaObject is the bucket's name for a variant's key.
func mediaObject(key string) string { return mediaPrefix + key[:2] + "/" + key }

// mediaContentType returns the type of the variants a key names, or false
// for anything that is not such a key: 64 lower-case hex digits and an
// extension the shop writes. Nothing else is looked up, so no request can
// name another object of the bucket.
func mediaContentType(key string) (string, bool) {
	hash, ext, ok := strings.Cut(key, ".")
	if !ok || len(hash) != 64 || strings.ContainsFunc(hash, func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') }) {
		return "", false
	}
	switch ext {
	case "webp":
		return "image/webp", true
	}
	return "", false
}

// Media is a stored variant, opened for serving. Close Body.
type Media struct {
	Body        io.ReadCloser
	ContentType string // from the key, never from stored metadata
	Size        int64
}

// OpenMedia opens the variant named key for /media/{key}: ENOTFOUND for a
// key of the wrong shape or one the bucket does not have, EUNAVAILABLE when the
// bucket does not answer. It does not ask the database: keys are unguessable
// (a 256-bit hash of the content), and an image deleted from its product stays
// served until the garbage collection of unreferenced variants removes it.
func (s *ProductImages) OpenMedia(ctx context.Context, key string) (*Media, error) {
	contentType, ok := mediaContentType(key)
	if !ok {
		return nil, errMediaNotFound
	}
	r, err := s.bucket.NewReader(ctx, mediaObject(key), nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, errMediaNotFound
	}
	if err != nil {
		return nil, unavailable("media: open "+key, err)
	}
	return &Media{Body: r, ContentType: contentType, Size: r.Size()}, nil
}

var errMediaNotFound = models.NotFound("image")

// MediaURLs turns variant keys into the URLs pages use: /media/{key} on the
// app for the local store, or the object's own URL on the S3 server when
// BLOB_URL is set (the bucket, or its media/ prefix, must then allow public
// reads; the objects carry their Content-Type and MediaCacheControl).
type MediaURLs struct {
	base   string // the URL that object names follow, or "" for /media/{key}
	prefix string
}

// NewMediaURLs returns the URLs for the blob store cfg configures.
func NewMediaURLs(cfg BlobConfig) (MediaURLs, error) {
	if cfg.URL == "" {
		return MediaURLs{prefix: "/media/"}, nil
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" {
		return MediaURLs{}, fmt.Errorf("BLOB_URL: not a bucket URL")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return MediaURLs{}, fmt.Errorf("BLOB_URL: %w", err)
	}
	bucket := u.Host
	endpoint := q.Get("endpoint")
	if endpoint == "" {
		region := q.Get("region")
		if region == "" {
			region = "us-east-1"
		}
		return MediaURLs{base: "https://" + bucket + ".s3." + region + ".amazonaws.com/"}, nil
	}
	e, err := url.Parse(endpoint)
	if err != nil || e.Host == "" || (e.Scheme != "http" && e.Scheme != "https") {
		return MediaURLs{}, fmt.Errorf("BLOB_URL: endpoint %q is not an http(s) URL", endpoint)
	}
	if q.Get("use_path_style") == "true" {
		return MediaURLs{base: e.Scheme + "://" + e.Host + "/" + bucket + "/"}, nil
	}
	return MediaURLs{base: e.Scheme + "://" + bucket + "." + e.Host + "/"}, nil
}

// URL returns the address of the variant named key.
func (m MediaURLs) URL(key string) string {
	if m.base == "" {
		return m.prefix + key
	}
	return m.base + mediaObject(key)
}

// writeMedia stores the variants in the bucket, skipping those already there
// (same key, same bytes).
func writeMedia(ctx context.Context, bucket *blob.Bucket, variants []ImageVariant) error {
	var seen []string
	for _, v := range variants {
		if slices.Contains(seen, v.Key) {
			continue
		}
		seen = append(seen, v.Key)
		name := mediaObject(v.Key)
		exists, err := bucket.Exists(ctx, name)
		if err != nil {
			return unavailable("media: check "+v.Key, err)
		}
		if exists {
			continue
		}
		err = bucket.WriteAll(ctx, name, v.Bytes, &blob.WriterOptions{ContentType: v.ContentType, CacheControl: MediaCacheControl})
		if err != nil {
			return unavailable("media: write "+v.Key, err)
		}
	}
	return nil
}
