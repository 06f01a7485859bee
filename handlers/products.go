package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

func (s *server) listProducts(c *fiber.Ctx) error {
	n := models.ParsePageNumber(c.Query("page"))
	page, err := s.Catalog.ListProducts(c.UserContext(), n)
	if err != nil {
		return err
	}
	if n > 1 && len(page.Products) == 0 {
		return fiber.ErrNotFound
	}
	return render(c, fiber.StatusOK, views.ProductListPage(s.page(c, "Products"), page))
}

func (s *server) showProduct(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	product, err := s.Catalog.ProductByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ProductPage(s.page(c, product.Name), *product))
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
