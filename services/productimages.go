package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"gocloud.dev/blob"

	"github.com/storefront/storefront/models"
)

// ProductImages adds, describes, orders and removes the pictures of a seller's
// products, and serves the stored variants (media.go). Every operation is the
// product's seller's: for any other product it is ENOTFOUND, as in products.go.
//
// Storage: the variants go to the bucket before the rows are committed (a row
// never names a missing object). Objects are shared by identical images
// (content-addressed), so neither removing an image nor a failed upload
// removes objects: another image may name them. The hourly housekeeping job
// removes the objects no image names (DeleteUnusedMedia, mediagc.go).
type ProductImages struct {
	db     *bun.DB
	images *Images
	bucket *blob.Bucket
	now    func() time.Time
}

// NewProductImages returns the product image service: images processes
// uploads (its slots bound the work), bucket stores the variants.
func NewProductImages(db *bun.DB, images *Images, bucket *blob.Bucket) *ProductImages {
	return &ProductImages{db: db, images: images, bucket: bucket, now: time.Now}
}

var errImageNotFound = models.NotFound("image")

// AddImages adds the files, in order, after the product's images. Every file
// is checked and processed before anything is stored: one refused file
// (EINVALID, its message under ImageFieldName, "File 2: ..." when there are
// several) or more than models.ProductImagesMax images in all refuses them all.
// New images have no alt text yet: the product cannot be published again
// until they are described (Publish). It returns the new images.
func (s *ProductImages) AddImages(ctx context.Context, sellerID, productID int64, files [][]byte) ([]models.ProductImage, error) {
	if len(files) == 0 {
		return nil, imageError("Choose one or more images.", nil)
	}
	// The cheap refusals first: someone else's product, no room, a file that
	// is no image. Decoding costs a core for up to a second per file.
	have, err := s.imageCount(ctx, s.db, sellerID, productID, false)
	if err != nil {
		return nil, err
	}
	if err := checkRoom(have, len(files)); err != nil {
		return nil, err
	}
	for i, data := range files {
		if _, err := InspectImage(data); err != nil {
			return nil, numberFile(err, i, len(files))
		}
	}
	processed := make([]ProcessedImage, len(files))
	var variants []ImageVariant
	for i, data := range files {
		if processed[i], err = s.images.Process(ctx, data); err != nil {
			return nil, numberFile(err, i, len(files))
		}
		variants = append(variants, processed[i].Variants...)
	}

	if err := writeMedia(ctx, s.bucket, variants); err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	rows := make([]models.ProductImage, len(processed))
	err = InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := lockOwnedProduct(ctx, tx, sellerID, productID); err != nil {
			return err
		}
		have, err := s.imageCount(ctx, tx, sellerID, productID, true)
		if err != nil {
			return err
		}
		if err := checkRoom(have, len(files)); err != nil {
			// Images added meanwhile, by another tab.
			return &models.Error{Code: models.ECONFLICT, Message: models.ErrorMessage(err), Fields: models.FieldErrors(err)}
		}
		for i, p := range processed {
			rows[i] = models.ProductImage{ProductID: productID, Position: have + i, CreatedAt: now,
				Image: models.Image{Width: p.Width, Height: p.Height, Variants: variantsOf(p)}}
		}
		if _, err := tx.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
			return dbError("images: add", err)
		}
		if err := copyCover(ctx, tx, productID); err != nil {
			return err
		}
		return bumpVersions(ctx, tx, sellerID)
	})
	if err != nil {
		return nil, dbError("images: add", err)
	}
	// The rows are committed: an unused-media collection that started before
	// them may have removed an object they share with a deleted image. Put
	// back any that went missing (writeMedia skips the ones there).
	if err := writeMedia(ctx, s.bucket, variants); err != nil {
		return nil, err
	}
	return rows, nil
}

// SetAlt describes one of the product's images: EINVALID (under
// models.ImageAltField(imageID)) for an empty or overlong text.
func (s *ProductImages) SetAlt(ctx context.Context, sellerID, productID, imageID int64, alt string) error {
	alt, err := models.ValidateAlt(imageID, alt)
	if err != nil {
		return err
	}
	return s.change(ctx, sellerID, productID, "images: set alt", func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*models.ProductImage)(nil)).Set("alt = ?", alt).
			Where("id = ? AND product_id = ?", imageID, productID).Exec(ctx)
		return oneRow(res, err, errImageNotFound)
	})
}

// Reorder puts the product's images in the order of imageIDs, which must name
// each of them once (ECONFLICT otherwise: the page was out of date). The first
// is the cover.
func (s *ProductImages) Reorder(ctx context.Context, sellerID, productID int64, imageIDs []int64) error {
	return s.change(ctx, sellerID, productID, "images: reorder", func(ctx context.Context, tx bun.Tx) error {
		current, err := imageIDsOf(ctx, tx, productID)
		if err != nil {
			return err
		}
		if !slices.Equal(slices.Sorted(slices.Values(imageIDs)), slices.Sorted(slices.Values(current))) {
			return models.Conflict("The images changed while you were ordering them. Please try again.")
		}
		return renumberImages(ctx, tx, productID, imageIDs)
	})
}

// DeleteImage removes one of the product's images; the ones after it move up.
// Its stored variants stay (see ProductImages).
func (s *ProductImages) DeleteImage(ctx context.Context, sellerID, productID, imageID int64) error {
	return s.change(ctx, sellerID, productID, "images: delete", func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*models.ProductImage)(nil)).
			Where("id = ? AND product_id = ?", imageID, productID).Exec(ctx)
		if err := oneRow(res, err, errImageNotFound); err != nil {
			return err
		}
		rest, err := imageIDsOf(ctx, tx, productID)
		if err != nil {
			return err
		}
		return renumberImages(ctx, tx, productID, rest)
	})
}

// change runs fn in one transaction with the seller's product locked (or
// ENOTFOUND), then copies the cover and gives the catalogue and the seller's
// dashboard a new version.
func (s *ProductImages) change(ctx context.Context, sellerID, productID int64, op string, fn func(ctx context.Context, tx bun.Tx) error) error {
	err := InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := lockOwnedProduct(ctx, tx, sellerID, productID); err != nil {
			return err
		}
		if err := fn(ctx, tx); err != nil {
			return err
		}
		if err := copyCover(ctx, tx, productID); err != nil {
			return err
		}
		return bumpVersions(ctx, tx, sellerID)
	})
	return dbError(op, err)
}

// copyCover copies the product's first image (or none) to its cover_*
// columns, which cards read instead of joining product_images.
func copyCover(ctx context.Context, tx bun.Tx, productID int64) error {
	var cover models.ProductImage
	err := tx.NewSelect().Model(&cover).Where("product_id = ? AND position = 0", productID).Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbError("images: read cover", err)
	}
	p := models.Product{ID: productID, Cover: cover.Image}
	_, err = tx.NewUpdate().Model(&p).WherePK().
		Column("cover_alt", "cover_width", "cover_height", "cover_variants").Exec(ctx)
	return dbError("images: copy cover", err)
}

// imageCount returns how many images the seller's live product has, or
// ENOTFOUND for any other product. owned skips the ownership check (the caller
// holds the product's lock).
func (s *ProductImages) imageCount(ctx context.Context, db bun.IDB, sellerID, productID int64, owned bool) (int, error) {
	if owned {
		n, err := db.NewSelect().Model((*models.ProductImage)(nil)).Where("product_id = ?", productID).Count(ctx)
		return int(n), dbError("images: count", err)
	}
	var counts []int
	err := db.NewSelect().Model((*models.Product)(nil)).
		ColumnExpr("(SELECT count(*) FROM product_images AS pi WHERE pi.product_id = p.id)").
		Where("p.id = ? AND p.seller_id = ?", productID, sellerID).Where(liveProducts).
		Scan(ctx, &counts)
	if err != nil {
		return 0, dbError("images: count", err)
	}
	if len(counts) == 0 {
		return 0, errProductNotFound
	}
	return counts[0], nil
}

// checkRoom refuses adding images beyond models.ProductImagesMax.
func checkRoom(have, adding int) error {
	if have+adding <= models.ProductImagesMax {
		return nil
	}
	msg := fmt.Sprintf("A product can have at most %d images", models.ProductImagesMax)
	if have > 0 {
		msg += fmt.Sprintf(" (this one has %d)", have)
	}
	return imageError(msg+".", nil)
}

// numberFile says which of several files a refusal is about.
func numberFile(err error, i, n int) error {
	var e *models.Error
	if n == 1 || !errors.As(err, &e) || e.Code != models.EINVALID {
		return err
	}
	msg := "File " + strconv.Itoa(i+1) + ": " + strings.TrimSpace(e.Message)
	return imageError(msg, e.Err)
}

// variantsOf lists a processed image's variants as the row stores them.
func variantsOf(p ProcessedImage) models.ImageVariants {
	out := make(models.ImageVariants, len(p.Variants))
	for i, v := range p.Variants {
		out[i] = models.ImageVariant{Key: v.Key, Width: v.Width, Height: v.Height}
	}
	return out
}

// imageIDsOf returns the ids of the product's images in order.
func imageIDsOf(ctx context.Context, tx bun.Tx, productID int64) ([]int64, error) {
	var ids []int64
	err := tx.NewSelect().Model((*models.ProductImage)(nil)).Column("id").
		Where("product_id = ?", productID).Order("position").Scan(ctx, &ids)
	return ids, dbError("images: list", err)
}

// renumberImages gives the product's images (all of them, in ids) positions
// 0, 1, 2 ... The unique index on (product_id, position) is checked row by
// row, so no single UPDATE can swap two positions: first every image moves
// past the highest position, then each takes its place.
func renumberImages(ctx context.Context, tx bun.Tx, productID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.NewUpdate().Model((*models.ProductImage)(nil)).
		Set("position = position + ?", models.ProductImagesMax).Where("product_id = ?", productID).Exec(ctx)
	if err != nil {
		return dbError("images: renumber", err)
	}
	var cases strings.Builder
	args := make([]any, 0, 2*len(ids))
	cases.WriteString("position = CASE id")
	for i, id := range ids {
		cases.WriteString(" WHEN ? THEN ?")
		args = append(args, id, i)
	}
	cases.WriteString(" END")
	_, err = tx.NewUpdate().Model((*models.ProductImage)(nil)).
		Set(cases.String(), args...).Where("product_id = ?", productID).Exec(ctx)
	return dbError("images: renumber", err)
}

// oneRow turns an UPDATE or DELETE that matched no row into notFound.
func oneRow(res sql.Result, err error, notFound error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}
