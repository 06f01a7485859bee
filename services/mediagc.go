package services

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// UnusedMediaGrace is how long a stored variant that no image names is kept
// before DeleteUnusedMedia removes it: an upload writes its variants before
// the transaction that names them commits, and a failed upload leaves them
// behind for this collection (see AddImages).
const UnusedMediaGrace = time.Hour

// DeleteUnusedMedia removes the stored variants that no product image names
// any more (images deleted, uploads whose transaction failed) and that were
// last written more than grace ago. It returns how many objects it removed.
//
// Variants are shared by identical pictures, so a collection can meet an
// upload of a picture whose objects are unused: each object is checked
// against the database just before it is removed, and AddImages, after its
// commit, writes again any of its objects that went missing meanwhile. What
// stays open is a collection stalled for longer than an upload's whole
// transaction between that check and the removal.
func (s *ProductImages) DeleteUnusedMedia(ctx context.Context, grace time.Duration) (int64, error) {
	cutoff := s.now().Add(-grace)
	var old []string
	it := s.bucket.List(&blob.ListOptions{Prefix: mediaPrefix})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, unavailable("media: list", err)
		}
		if !obj.IsDir && obj.ModTime.Before(cutoff) {
			old = append(old, obj.Key)
		}
	}
	var removed int64
	for _, name := range old {
		key := path.Base(name)
		if _, ok := mediaContentType(key); !ok {
			continue // not written by the shop: not the shop's to remove
		}
		used, err := s.mediaInUse(ctx, key)
		if err != nil {
			return removed, err
		}
		if used {
			continue
		}
		err = s.bucket.Delete(ctx, name)
		if gcerrors.Code(err) == gcerrors.NotFound {
			continue
		}
		if err != nil {
			return removed, unavailable("media: delete "+key, err)
		}
		removed++
	}
	return removed, nil
}

// mediaInUse reports whether an image or a product's cover names the key.
// A scan of the variants columns: it runs only for objects found unused and
// old, a handful per collection.
func (s *ProductImages) mediaInUse(ctx context.Context, key string) (bool, error) {
	pattern := "%:" + key + "%"
	var n int
	err := s.db.NewRaw("SELECT (SELECT count(*) FROM (SELECT 1 FROM product_images WHERE variants LIKE ? LIMIT 1) AS i) + "+
		"(SELECT count(*) FROM (SELECT 1 FROM products WHERE cover_variants LIKE ? LIMIT 1) AS c)", pattern, pattern).Scan(ctx, &n)
	if err != nil {
		return true, dbError(fmt.Sprintf("media: is %s in use", key), err)
	}
	return n > 0, nil
}
