package handlers

import (
	"context"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// productPictures is what the picture actions ask of services.ProductImages.
// Like the product actions, each finds the product by id and seller.
type productPictures interface {
	AddImages(ctx context.Context, sellerID, productID int64, files [][]byte) ([]models.ProductImage, error)
	SetAlt(ctx context.Context, sellerID, productID, imageID int64, alt string) error
	Reorder(ctx context.Context, sellerID, productID int64, imageIDs []int64) error
	DeleteImage(ctx context.Context, sellerID, productID, imageID int64) error
}

// ownProducts reads the seller's product to show its edit page again.
type ownProducts interface {
	ProductForSeller(ctx context.Context, sellerID, id int64) (*models.Product, error)
}

// imageHandlers serve the pictures of a seller's product, on its edit page:
// upload, describe, reorder, remove. Each ends with a 303 to the edit page and
// a flash message, or the edit page again (422) with the reason.
type imageHandlers struct {
	*web
	images   productPictures
	products ownProducts
	media    mediaURL
}

// upload adds the files of the multipart field "image" (one or more), each
// judged by its content; one refused file refuses them all, and nothing is stored.
func (h *imageHandlers) upload(c *fiber.Ctx) error {
	id, err := ownedProductID(c)
	if err != nil {
		return err
	}
	var headers []*multipart.FileHeader
	if form, ferr := c.MultipartForm(); ferr == nil {
		headers = form.File[services.ImageFieldName]
	}
	files := make([][]byte, 0, len(headers))
	for _, fh := range headers {
		data, err := readUpload(fh)
		if err != nil {
			return h.again(c, id, err, nil)
		}
		files = append(files, data)
	}
	if _, err := h.images.AddImages(c.UserContext(), state(c).session.UserID, id, files); err != nil {
		return h.again(c, id, err, nil)
	}
	h.setFlash(c, "images_added")
	return redirect(c, paths.ProductEdit(id))
}

func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > services.MaxImageBytes {
		return services.ReadImageUpload(&oversized{}) // the same refusal, without reading it
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return services.ReadImageUpload(f)
}

// oversized reads as an endless run of zeros: ReadImageUpload refuses it as
// too large after MaxImageBytes+1 of them, without a file behind it.
type oversized struct{}

func (oversized) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// describe saves one picture's alt text.
func (h *imageHandlers) describe(c *fiber.Ctx) error {
	id, imageID, err := productAndImage(c)
	if err != nil {
		return err
	}
	alt := c.FormValue(models.ImageAltField(imageID))
	if err := h.images.SetAlt(c.UserContext(), state(c).session.UserID, id, imageID, alt); err != nil {
		return h.again(c, id, err, map[int64]string{imageID: alt})
	}
	h.setFlash(c, "image_saved")
	return redirect(c, paths.ProductEdit(id))
}

// reorder puts the pictures in the order of the repeated "image" field.
func (h *imageHandlers) reorder(c *fiber.Ctx) error {
	id, err := ownedProductID(c)
	if err != nil {
		return err
	}
	var order []int64
	for _, v := range c.Request().PostArgs().PeekMulti("image") {
		imageID, ok := models.ParseProductID(string(v))
		if !ok {
			return models.Conflict("The pictures changed meanwhile. Reload the page and try again.")
		}
		order = append(order, imageID)
	}
	if err := h.images.Reorder(c.UserContext(), state(c).session.UserID, id, order); err != nil {
		return err
	}
	h.setFlash(c, "images_reordered")
	return redirect(c, paths.ProductEdit(id))
}

// remove takes one picture off the product.
func (h *imageHandlers) remove(c *fiber.Ctx) error {
	id, imageID, err := productAndImage(c)
	if err != nil {
		return err
	}
	if err := h.images.DeleteImage(c.UserContext(), state(c).session.UserID, id, imageID); err != nil {
		return err
	}
	h.setFlash(c, "image_deleted")
	return redirect(c, paths.ProductEdit(id))
}

func productAndImage(c *fiber.Ctx) (productID, imageID int64, err error) {
	productID, ok := models.ParseProductID(c.Params("id"))
	imageID, okImage := models.ParseProductID(c.Params("image"))
	if !ok || !okImage {
		return 0, 0, fiber.ErrNotFound
	}
	return productID, imageID, nil
}

// again answers a refused picture action: the edit page with the reason (422)
// for invalid input, alts as typed; any other error goes to the error handler.
func (h *imageHandlers) again(c *fiber.Ctx, id int64, err error, alts map[int64]string) error {
	if models.ErrorCode(err) != models.EINVALID {
		return err
	}
	product, ferr := h.products.ProductForSeller(c.UserContext(), state(c).session.UserID, id)
	if ferr != nil {
		return ferr
	}
	form := views.ProductForm{Input: inputOf(*product), Errors: views.ErrorsOf(err)}
	if len(form.Errors) == 0 {
		form.Errors = views.FormErrors{services.ImageFieldName: models.ErrorMessage(err)}
	}
	page := h.page(c, "Edit "+product.Name)
	return render(c, fiber.StatusUnprocessableEntity,
		views.ProductEditPage(page, views.ProductEdit{Product: *product, Form: form, MediaURL: h.media, Alts: alts}))
}
