package handlers

import (
	"context"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// listProducts shows page ?page=N of the list; without the parameter, page 1.
// A page parameter that is not a page number as the shop writes it (empty, "0",
// "-1", "01", "abc") is a 404, like a page past the end: one address per page.
func (s *server) listProducts(c *fiber.Ctx) error {
	n := 1
	if args := c.Request().URI().QueryArgs(); args.Has("page") {
		var ok bool
		if n, ok = models.ParsePageNumber(string(args.Peek("page"))); !ok {
			return fiber.ErrNotFound
		}
	}
	canonical := []string{"/products?page=" + strconv.Itoa(n)}
	title := "Products – page " + strconv.Itoa(n)
	if n == 1 {
		canonical = []string{"/", "/products"}
		title = "Products"
	}
	return s.catalogPage(c, "list:"+strconv.Itoa(n), canonical, func(ctx context.Context) (string, templ.Component, error) {
		page, err := s.Catalog.ListProducts(ctx, n)
		if err != nil {
			return "", nil, err
		}
		if n > 1 && len(page.Products) == 0 {
			return "", nil, fiber.ErrNotFound
		}
		return title, views.ProductList(page), nil
	})
}

// showProduct shows /products/{id}; only the id as the shop writes it is one
// (not "01" or "+1"), and strict routing refuses "/products/1/".
func (s *server) showProduct(c *fiber.Ctx) error {
	id, ok := models.ParseProductID(c.Params("id"))
	if !ok {
		return fiber.ErrNotFound
	}
	path := views.ProductPath(id)
	return s.catalogPage(c, "product:"+strconv.FormatInt(id, 10), []string{path}, func(ctx context.Context) (string, templ.Component, error) {
		product, err := s.Catalog.ProductByID(ctx, id)
		if err != nil {
			return "", nil, err
		}
		return product.Name, views.ProductDetail(*product), nil
	})
}

func (s *server) newProduct(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.NewProductPage(s.page(c, "Sell a product"), views.ProductForm{}))
}

func (s *server) createProduct(c *fiber.Ctx) error {
	in := models.ProductInput{
		Name:        c.FormValue("name"),
		Description: c.FormValue("description"),
		Price:       c.FormValue("price"),
	}
	product, err := s.Catalog.CreateProduct(c.UserContext(), state(c).session.UserID, in)
	if models.ErrorCode(err) == models.EINVALID {
		form := views.ProductForm{Input: in, Errors: views.ErrorsOf(err)}
		return render(c, fiber.StatusUnprocessableEntity, views.NewProductPage(s.page(c, "Sell a product"), form))
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "product_created")
	return redirect(c, views.ProductPath(product.ID))
}
