package handlers

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/views"
)

// sellerCatalog is what a seller's product actions ask of services.Catalog.
// Every method finds the product by id and seller: another seller's product is
// ENOTFOUND, and nothing changes.
type sellerCatalog interface {
	ProductForSeller(ctx context.Context, sellerID, id int64) (*models.Product, error)
	UpdateProduct(ctx context.Context, sellerID, id int64, in models.ProductInput) (*models.Product, error)
	Publish(ctx context.Context, sellerID, id int64) error
	Unpublish(ctx context.Context, sellerID, id int64) error
	DeleteProduct(ctx context.Context, sellerID, id int64) error
}

// sellerProductHandlers serve a seller's edit page and the actions on their
// products: save, publish, unpublish, delete. Each works as a plain form
// (303 and a flash message) and, from the dashboard, as htmx that swaps the
// product's row.
type sellerProductHandlers struct {
	*web
	catalog sellerCatalog
	media   mediaURL
}

// mediaURL turns a stored variant's key into the URL pages use.
type mediaURL = views.MediaURL

// productInput reads the product form (new and edit); the button pressed
// chooses the status.
func productInput(c *fiber.Ctx) models.ProductInput {
	in := models.ProductInput{
		Name:        c.FormValue("name"),
		Description: c.FormValue("description"),
		Price:       c.FormValue("price"),
	}
	switch models.ProductStatus(c.FormValue("status")) {
	case models.ProductDraft:
		in.Status = models.ProductDraft
	case models.ProductPublished:
		in.Status = models.ProductPublished
	}
	return in
}

// inputOf is the edit form's starting text: the product as it is.
func inputOf(p models.Product) models.ProductInput {
	return models.ProductInput{Name: p.Name, Description: p.Description, Price: models.FormatPrice(p.PriceCents)}
}

// ownedProductID is the product id of the route, or a 404.
func ownedProductID(c *fiber.Ctx) (int64, error) {
	id, ok := models.ParseProductID(c.Params("id"))
	if !ok {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// editForm shows the edit page of one of the seller's products.
func (h *sellerProductHandlers) editForm(c *fiber.Ctx) error {
	id, err := ownedProductID(c)
	if err != nil {
		return err
	}
	product, err := h.catalog.ProductForSeller(c.UserContext(), state(c).session.UserID, id)
	if err != nil {
		return err
	}
	return h.renderEdit(c, fiber.StatusOK, *product, views.ProductForm{Input: inputOf(*product)})
}

func (h *sellerProductHandlers) renderEdit(c *fiber.Ctx, status int, product models.Product, form views.ProductForm) error {
	page := h.page(c, "Edit "+product.Name)
	return render(c, status, views.ProductEditPage(page, views.ProductEdit{Product: product, Form: form, MediaURL: h.media}))
}

// update saves the edit form: the same fields and rules as creating; invalid
// input is the form again (422) with the values as typed.
func (h *sellerProductHandlers) update(c *fiber.Ctx) error {
	id, err := ownedProductID(c)
	if err != nil {
		return err
	}
	seller, in := state(c).session.UserID, productInput(c)
	product, err := h.catalog.UpdateProduct(c.UserContext(), seller, id, in)
	if models.ErrorCode(err) == models.EINVALID {
		current, ferr := h.catalog.ProductForSeller(c.UserContext(), seller, id)
		if ferr != nil {
			return ferr
		}
		form := views.ProductForm{Input: in, Errors: views.ErrorsOf(err), Alert: models.ErrorMessage(err)}
		return h.renderEdit(c, fiber.StatusUnprocessableEntity, *current, form)
	}
	if err != nil {
		return err
	}
	switch {
	case in.Status == models.ProductPublished:
		h.setFlash(c, "product_published")
	case product.IsDraft():
		h.setFlash(c, "draft_saved")
	default:
		h.setFlash(c, "product_saved")
	}
	return redirect(c, paths.Product(id))
}

// publish shows the seller's product to everyone. While one of its pictures
// lacks an alt text it stays a draft: the edit page again (422), with a
// message beside each picture to describe.
func (h *sellerProductHandlers) publish(c *fiber.Ctx) error {
	return h.changeStatus(c, h.catalog.Publish, "product_published")
}

// unpublish makes the seller's product a draft again.
func (h *sellerProductHandlers) unpublish(c *fiber.Ctx) error {
	return h.changeStatus(c, h.catalog.Unpublish, "product_unpublished")
}

func (h *sellerProductHandlers) changeStatus(c *fiber.Ctx, change func(ctx context.Context, sellerID, id int64) error, flash string) error {
	id, err := ownedProductID(c)
	if err != nil {
		return err
	}
	seller := state(c).session.UserID
	err = change(c.UserContext(), seller, id)
	if err != nil && models.ErrorCode(err) != models.EINVALID {
		return err
	}
	if err != nil && !fromDashboard(c) {
		product, ferr := h.catalog.ProductForSeller(c.UserContext(), seller, id)
		if ferr != nil {
			return ferr
		}
		form := views.ProductForm{Input: inputOf(*product), Errors: views.ErrorsOf(err), Alert: models.ErrorMessage(err)}
		return h.renderEdit(c, fiber.StatusUnprocessableEntity, *product, form)
	}
	if fromDashboard(c) {
		// From the dashboard: the product's row, changed in place (or, refused,
		// with the reason and a link to the edit page).
		product, ferr := h.catalog.ProductForSeller(c.UserContext(), seller, id)
		if ferr != nil {
			return ferr
		}
		row := views.DashboardRow{Product: dashboardProductOf(*product), MediaURL: h.media, CSRFToken: state(c).session.CSRFToken}
		status := fiber.StatusOK
		if err != nil {
			row.Problem, status = models.ErrorMessage(err), fiber.StatusUnprocessableEntity
		}
		return render(c, status, views.DashboardRowSwap(row, flashText(flash, "")))
	}
	h.setFlash(c, flash)
	return redirect(c, paths.Product(id))
}

// remove deletes the seller's product (softly: past orders keep their row).
// From the dashboard (htmx) the answer is empty, which removes the row.
func (h *sellerProductHandlers) remove(c *fiber.Ctx) error {
	id, err := ownedProductID(c)
	if err != nil {
		return err
	}
	if err := h.catalog.DeleteProduct(c.UserContext(), state(c).session.UserID, id); err != nil {
		return err
	}
	if fromDashboard(c) {
		return render(c, fiber.StatusOK, views.FlashSwap(flashText("product_deleted", "")))
	}
	h.setFlash(c, "product_deleted")
	return redirect(c, paths.Account)
}

// fromDashboard reports an htmx action from a dashboard row (its target):
// the answer is the row, not a redirect.
func fromDashboard(c *fiber.Ctx) bool {
	return isHTMX(c) && strings.HasPrefix(c.Get("HX-Target"), views.DashboardRowIDPrefix)
}

// dashboardProductOf is a product as its dashboard row shows it.
func dashboardProductOf(p models.Product) models.DashboardProduct {
	return models.DashboardProduct{ID: p.ID, Name: p.Name, Status: p.Status, PriceCents: p.PriceCents,
		CreatedAt: p.CreatedAt, Cover: p.Cover}
}

// sellerFlashText is the text of the seller tools' flash messages, or "".
func sellerFlashText(key string) string {
	switch key {
	case "product_published":
		return "Your product is live."
	case "product_unpublished":
		return "Your product is a draft again: only you can see it."
	case "draft_saved":
		return "Saved as a draft: only you can see it."
	case "product_saved":
		return "Your changes are saved."
	case "product_deleted":
		return "Your product is deleted."
	case "store_saved":
		return "Your store is saved."
	case "images_added":
		return "Your pictures are added. Describe each one before publishing."
	case "image_saved":
		return "The picture's description is saved."
	case "image_deleted":
		return "The picture is removed."
	case "images_reordered":
		return "The pictures are in their new order."
	}
	return ""
}
