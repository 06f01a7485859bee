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

// searchCatalog is what the search pages ask of services.Catalog.
type searchCatalog interface {
	// Version changes with every product write (the cache's key).
	Version(ctx context.Context) (string, error)
	SearchProducts(ctx context.Context, q models.ProductQuery) (models.ProductPage, error)
}

// searchStores finds the store a search is limited to (services.Stores).
type searchStores interface {
	StoreBySlug(ctx context.Context, slug string) (*models.Store, error)
}

// searchHandlers serve GET / and /products: the product list, and with search
// parameters (q, sort, min, max, store) a search of it.
type searchHandlers struct {
	*web
	catalog searchCatalog
	stores  searchStores
	// results caches search pages per catalogue version, apart from the list
	// and product pages, so that many distinct searches cannot push those out.
	results *fragmentCache
	// products serves the plain list (no search parameter but page).
	products *productHandlers
	// media builds picture URLs (the cards' covers).
	media mediaURL
}

// maxSearchPages bounds the memory of the search cache: one entry per search
// (its main content) plus one per canonical search URL that plain guests ask
// for (the whole page): about the 128 most recent searches asked for twice.
// Popular searches stay; the long tail is run each time (make bench measures
// it uncached). A search is cached from its second request among the last
// maxSearchPages searches on (newSecondRequestCache): one asked for once is
// not copied into the cache only to be evicted unread.
const maxSearchPages = 256

// searchInputOf reads the search parameters of the query string.
func searchInputOf(c *fiber.Ctx) (models.SearchInput, bool) {
	args := c.Request().URI().QueryArgs()
	in := models.SearchInput{
		Q: string(args.Peek("q")), Sort: string(args.Peek("sort")), Min: string(args.Peek("min")),
		Max: string(args.Peek("max")), Store: string(args.Peek("store")), Page: string(args.Peek("page")),
	}
	searched := args.Has("q") || args.Has("sort") || args.Has("min") || args.Has("max") || args.Has("store")
	return in, searched
}

// list answers GET / and /products. Search parameters that cannot be a search
// (too long a text, an unknown order, a malformed price, min above max) are a
// 422 with the controls as typed and a message for each; an unknown store or a
// page past the results is a 404.
func (h *searchHandlers) list(c *fiber.Ctx) error {
	// The same address answers htmx with the main content alone.
	c.Vary("HX-Request", "HX-Target")
	in, searched := searchInputOf(c)
	if !searched {
		return h.products.list(c)
	}
	q, err := in.Parse()
	if models.ErrorCode(err) == models.EINVALID {
		return h.invalid(c, in, err)
	}
	if err != nil {
		return err
	}
	view := views.SearchView{Text: q.Text, Terms: q.Terms, Params: searchParamsOf(q), Media: views.MediaURL(h.media)}
	if q.Store != "" {
		store, err := h.stores.StoreBySlug(c.UserContext(), q.Store)
		if err != nil {
			return err
		}
		q.SellerID = store.UserID
		view.Params.Store, view.StoreName = store.Slug, store.Name
	}
	view.Input = models.SearchInput{Q: q.Text, Sort: view.Params.Sort, Min: view.Params.Min, Max: view.Params.Max,
		Store: view.Params.Store}
	canonical := paths.ProductSearch(view.Params)
	if partialRequest(c) {
		// The address bar shows the search as the shop writes it, not the
		// form's every field (empty ones included).
		c.Set("HX-Push-Url", canonical)
	}
	if canonical == paths.ProductsPage(q.Page) {
		// Only empty or default parameters: the plain list.
		return h.products.list(c)
	}
	// Case and spacing of the text do not change the results (CacheKey), but
	// the page shows the text as read.
	key := "search:" + q.CacheKey() + "\x00" + q.Text
	src := catalogPageSource{web: h.web, versions: h.catalog, fragments: h.results, searchText: q.Text}
	return serveCatalogPage(c, src, key, []string{canonical}, func(ctx context.Context) (pageHead, templ.Component, error) {
		page, err := h.catalog.SearchProducts(ctx, q)
		if err != nil {
			return pageHead{}, nil, err
		}
		if q.Page > 1 && len(page.Products) == 0 {
			return pageHead{}, nil, fiber.ErrNotFound
		}
		view.Results = page
		return pageHead{title: searchTitle(q), canonical: canonical}, views.SearchMain(view), nil
	})
}

// invalid shows the search controls as typed, with a message for each problem.
func (h *searchHandlers) invalid(c *fiber.Ctx, in models.SearchInput, err error) error {
	errs := views.ErrorsOf(err)
	view := views.SearchView{Input: in, Errors: errs}
	if in.Sort == string(models.SortRelevance) {
		view.Input.Sort = ""
	}
	const title = "Please check your search"
	if partialRequest(c) {
		return render(c, fiber.StatusUnprocessableEntity, views.MainFragment(title, views.SearchMain(view)))
	}
	p := h.page(c, title)
	p.SearchText, p.SearchError = in.Q, errs["q"]
	return render(c, fiber.StatusUnprocessableEntity, views.ProductsLayout(p, views.SearchMain(view)))
}

// searchParamsOf writes a valid search as its address's parameters: the
// default order and absent bounds left out, prices as the shop writes them.
func searchParamsOf(q models.ProductQuery) paths.SearchParams {
	p := paths.SearchParams{Q: q.Text, Store: q.Store, Page: q.Page}
	if q.Sort != defaultSort(q) {
		p.Sort = string(q.Sort)
	}
	if q.MinCents > 0 {
		p.Min = models.FormatPrice(q.MinCents)
	}
	if q.MaxCents > 0 {
		p.Max = models.FormatPrice(q.MaxCents)
	}
	return p
}

func defaultSort(q models.ProductQuery) models.ProductSort {
	if q.HasText() {
		return models.SortRelevance
	}
	return models.SortNewest
}

func searchTitle(q models.ProductQuery) string {
	title := "Products"
	if q.HasText() {
		title = "“" + q.Text + "”"
	}
	if q.Page > 1 {
		title += " – page " + strconv.Itoa(q.Page)
	}
	return title
}
