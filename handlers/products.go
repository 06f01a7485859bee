package handlers

import (
	"context"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/views"
)

// productCatalog is what the product pages ask of services.Catalog.
type productCatalog interface {
	// Version changes with every product write (the page cache's key).
	Version(ctx context.Context) (string, error)
	ListProducts(ctx context.Context, n int) (models.ProductPage, error)
	ProductByID(ctx context.Context, id int64) (*models.Product, error)
	// ProductForViewer also finds the viewer's own drafts (product pages of sellers).
	ProductForViewer(ctx context.Context, viewerID, id int64) (*models.Product, error)
	CreateProduct(ctx context.Context, sellerID int64, in models.ProductInput) (*models.Product, error)
}

// productHandlers serve the product list, product pages and selling.
type productHandlers struct {
	*web
	catalog   productCatalog
	stores    firstStores
	featured  featuredStores // the home page's stores; nil: the plain list
	media     mediaURL
	fragments *fragmentCache // cache.go
}

// featuredStores are the stores the home page shows.
type featuredStores interface {
	RecentStores(ctx context.Context, limit int) ([]models.StoreRef, error)
}

// homeStores is how many stores the home page shows.
const homeStores = 6

// home is the home page: the newest products and a few stores, cached like
// the list (under its own key: /products does not show the stores).
func (h *productHandlers) home(c *fiber.Ctx) error {
	return h.catalogPage(c, "home", []string{paths.Home}, func(ctx context.Context) (pageHead, templ.Component, error) {
		page, err := h.catalog.ListProducts(ctx, 1)
		if err != nil {
			return pageHead{}, nil, err
		}
		stores, err := h.featured.RecentStores(ctx, homeStores)
		if err != nil {
			return pageHead{}, nil, err
		}
		return pageHead{title: "Products"}, views.HomeMain(page, stores, views.MediaURL(h.media)), nil
	})
}

// list shows page ?page=N of the list; without the parameter, page 1.
// A page parameter that is not a page number as the shop writes it (empty, "0",
// "-1", "01", "abc") is a 404, like a page past the end: one address per page.
func (h *productHandlers) list(c *fiber.Ctx) error {
	n := 1
	if args := c.Request().URI().QueryArgs(); args.Has("page") {
		var ok bool
		if n, ok = models.ParsePageNumber(string(args.Peek("page"))); !ok {
			return fiber.ErrNotFound
		}
	}
	if n == 1 && c.Path() == paths.Home && h.featured != nil {
		return h.home(c)
	}
	canonical := []string{paths.ProductsPage(n)}
	title := "Products – page " + strconv.Itoa(n)
	if n == 1 {
		canonical = []string{paths.Home, paths.Products}
		title = "Products"
	}
	return h.catalogPage(c, "list:"+strconv.Itoa(n), canonical, func(ctx context.Context) (pageHead, templ.Component, error) {
		page, err := h.catalog.ListProducts(ctx, n)
		if err != nil {
			return pageHead{}, nil, err
		}
		if n > 1 && len(page.Products) == 0 {
			return pageHead{}, nil, fiber.ErrNotFound
		}
		head := pageHead{title: title}
		if n > 1 {
			head.canonical = paths.ProductsPage(n)
		}
		return head, views.ListMain(page, views.MediaURL(h.media)), nil
	})
}

// show shows /products/{id}; only the id as the shop writes it is one
// (not "01" or "+1"), and strict routing refuses "/products/1/".
func (h *productHandlers) show(c *fiber.Ctx) error {
	id, ok := models.ParseProductID(c.Params("id"))
	if !ok {
		return fiber.ErrNotFound
	}
	path := paths.Product(id)
	err := h.catalogPage(c, "product:"+strconv.FormatInt(id, 10), []string{path}, func(ctx context.Context) (pageHead, templ.Component, error) {
		product, err := h.catalog.ProductByID(ctx, id)
		if err != nil {
			return pageHead{}, nil, err
		}
		head := h.productHead(*product, h.media)
		head.buy = buyOf(product)
		return head, views.ProductDetail(*product, views.MediaURL(h.media)), nil
	})
	if models.ErrorCode(err) == models.ENOTFOUND && state(c).session.SignedIn() {
		return h.showOwnDraft(c, id)
	}
	return err
}

// showOwnDraft shows a seller their own draft, which is no public page (so
// never cached); for anyone else it is the same 404 as no product.
func (h *productHandlers) showOwnDraft(c *fiber.Ctx, id int64) error {
	product, err := h.catalog.ProductForViewer(c.UserContext(), state(c).session.UserID, id)
	if err != nil {
		return err
	}
	if !product.IsDraft() {
		// Published between the two reads: the public page.
		return render(c, fiber.StatusOK, views.ProductsLayout(h.page(c, product.Name), views.ProductDetail(*product, views.MediaURL(h.media))))
	}
	return render(c, fiber.StatusOK, views.DraftProductPage(h.page(c, product.Name+" (draft)"), *product, views.MediaURL(h.media)))
}

// newForm shows the "sell a product" form; a seller's first asks for their
// store too, suggested from their email.
func (h *productHandlers) newForm(c *fiber.Ctx) error {
	form, err := newStoreAsk(c, h.stores)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.NewProductPage(h.page(c, "Sell a product"), form))
}

// create lists a new product of the signed-in seller.
func (h *productHandlers) create(c *fiber.Ctx) error {
	in := productInput(c)
	if c.Request().PostArgs().Has("store_name") || c.Request().PostArgs().Has("store_slug") {
		in.Store = &models.StoreInput{Name: c.FormValue("store_name"), Slug: c.FormValue("store_slug")}
	}
	product, err := h.catalog.CreateProduct(c.UserContext(), state(c).session.UserID, in)
	if models.ErrorCode(err) == models.EINVALID {
		form := views.ProductForm{Input: in, Errors: views.ErrorsOf(err), AskStore: in.Store != nil}
		return render(c, fiber.StatusUnprocessableEntity, views.NewProductPage(h.page(c, "Sell a product"), form))
	}
	if err != nil {
		return err
	}
	flash := "product_created"
	if product.IsDraft() {
		flash = "draft_saved"
	}
	h.setFlash(c, flash)
	return redirect(c, paths.Product(product.ID))
}
