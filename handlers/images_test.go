package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/models"
)

// testPNG is a real picture of w×h pixels, made in the test.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testJPEGWithGPS is a JPEG whose EXIF segment holds a GPS position.
func testJPEGWithGPS(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	// APP1 "Exif" right after SOI, with a marker string to look for later.
	payload := append([]byte("Exif\x00\x00"), []byte("MM\x00\x2a\x00\x00\x00\x08GPSLatitude 38.7223N SECRET-GPS")...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{}, buf.Bytes()[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, buf.Bytes()[2:]...)
}

// pngClaiming is a valid PNG whose header claims w×h pixels (a decompression
// bomb's header: its CRC is right, so only the size gives it away).
func pngClaiming(t *testing.T, w, h uint32) []byte {
	t.Helper()
	data := testPNG(t, 4, 4)
	// IHDR data starts at byte 16: width, height.
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

func imageCount(t *testing.T, s *shop, productID int64) int {
	t.Helper()
	n, err := s.db.NewSelect().Table("product_images").Where("product_id = ?", productID).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestProductPictures(t *testing.T) {
	s := newShop(t)
	c, _ := s.signedIn()
	guest := s.client()
	id := c.createProduct("Blue vase", "60", models.ProductDraft)
	p := "/products/" + strconv.FormatInt(id, 10)

	t.Run("BadFilesAreRefused", func(t *testing.T) {
		good := testPNG(t, 32, 32)
		for name, file := range map[string][]byte{
			"vase.svg":        []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
			"vase.jpg (html)": []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"),
			"vase.jpg (pdf)":  []byte("%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
			"truncated.png":   good[:len(good)/2],
			"bomb.png":        pngClaiming(t, 50000, 50000),
			"polyglot.gif":    append([]byte("GIF89a<script>alert(1)</script>"), make([]byte, 64)...),
		} {
			c.get(p + "/edit")
			r := c.postFiles(p+"/images", map[string][]byte{"ok.png": good, strings.Fields(name)[0]: file}, nil)
			expectStatus(t, r, http.StatusUnprocessableEntity)
			if r.doc(t).Find(`[data-testid="image-error"]`).Text() == "" {
				t.Errorf("%s: no message", name)
			}
			if n := imageCount(t, s, id); n != 0 {
				t.Fatalf("%s: %d images stored", name, n)
			}
		}
		// Over the limits, through a real server (app.Test has limits of its own).
		addr := s.listen()
		c.get(p + "/edit")
		if status := c.postHeadersOnly(addr, p+"/images", 12<<20); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("12 MB file: status %d", status)
		}
		tooBig := append(testPNG(t, 8, 8), make([]byte, 10<<20)...)
		if status := c.postFilesTo(addr, p+"/images", "big.png", tooBig); status != http.StatusUnprocessableEntity {
			t.Fatalf("10 MB + file: status %d", status)
		}
		c.get(p + "/edit")
		expectStatus(t, c.postFiles(p+"/images", nil, nil), http.StatusUnprocessableEntity)
		if n := imageCount(t, s, id); n != 0 {
			t.Fatalf("%d images stored", n)
		}
	})

	t.Run("UploadServesVariants", func(t *testing.T) {
		c.get(p + "/edit")
		r := c.postFiles(p+"/images", map[string][]byte{"a.jpg": testJPEGWithGPS(t), "b.png": testPNG(t, 120, 80)}, nil)
		expectRedirect(t, r, http.StatusSeeOther, p+"/edit")
		if n := imageCount(t, s, id); n != 2 {
			t.Fatalf("%d images", n)
		}
		doc := c.get(p + "/edit").doc(t)
		pics := doc.Find(`[data-testid="picture"]`)
		if pics.Length() != 2 {
			t.Fatalf("%d pictures on the edit page", pics.Length())
		}
		// The product's name is offered as the alt text.
		if v, _ := pics.First().Find(`input[type="text"]`).Attr("value"); v != "Blue vase" {
			t.Fatalf("alt default %q", v)
		}
		src, _ := pics.First().Find("img").Attr("src")
		if !strings.HasPrefix(src, "/media/") {
			t.Fatalf("src %q", src)
		}
		m := guest.get(src)
		expectStatus(t, m, http.StatusOK)
		if m.Header.Get("Content-Type") != "image/webp" || m.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
			m.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("media headers %v", m.Header)
		}
		if strings.Contains(m.body, "SECRET-GPS") || strings.Contains(m.body, "Exif") {
			t.Fatal("EXIF/GPS served")
		}
		if _, _, err := image.DecodeConfig(strings.NewReader(m.body)); err != nil && !strings.HasPrefix(m.body, "RIFF") {
			t.Fatalf("served bytes are no picture: %v", err)
		}
		expectStatus(t, guest.get("/media/"+strings.Repeat("0", 64)+".webp"), http.StatusNotFound)
		expectStatus(t, guest.get("/media/..%2f..%2fetc%2fpasswd"), http.StatusNotFound)
	})

	t.Run("PublishNeedsAltTexts", func(t *testing.T) {
		r := c.post(p+"/publish", nil)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if r.doc(t).Find(`[id^="alt_"][id$="-error"]`).Length() != 2 {
			t.Fatalf("no message beside each picture:\n%.3000s", r.body)
		}
		if s.storedProduct(id).Status != models.ProductDraft {
			t.Fatal("published without alt texts")
		}
		doc := c.get(p + "/edit").doc(t)
		doc.Find(`[data-testid="picture"]`).Each(func(i int, pic *goquery.Selection) {
			imageID := pic.AttrOr("data-image-id", "")
			c.get(p + "/edit")
			empty := c.post(p+"/images/"+imageID+"/alt", url.Values{"alt_" + imageID: {"  "}})
			expectStatus(t, empty, http.StatusUnprocessableEntity)
			r := c.post(p+"/images/"+imageID+"/alt", url.Values{"alt_" + imageID: {"Blue vase, view " + strconv.Itoa(i+1)}})
			expectRedirect(t, r, http.StatusSeeOther, p+"/edit")
		})
		expectRedirect(t, c.post(p+"/publish", nil), http.StatusSeeOther, p)
	})

	t.Run("PagesShowPictures", func(t *testing.T) {
		page := guest.get(p).doc(t)
		img := page.Find(`[data-testid="gallery"] img`).First()
		if img.AttrOr("alt", "") != "Blue vase, view 1" || !strings.Contains(img.AttrOr("srcset", ""), "w, ") && !strings.HasSuffix(img.AttrOr("srcset", ""), "w") ||
			img.AttrOr("width", "") == "" || img.AttrOr("height", "") == "" || img.AttrOr("sizes", "") == "" {
			t.Fatalf("gallery image %v", img.Nodes[0].Attr)
		}
		card := guest.get("/products").doc(t).Find(`#products img`).First()
		if card.AttrOr("alt", "") != "Blue vase, view 1" {
			t.Fatal("card lacks the cover")
		}
		if csp := guest.get("/products").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self'") {
			t.Fatalf("CSP %q", csp)
		}
	})

	t.Run("ReorderAndDelete", func(t *testing.T) {
		doc := c.get(p + "/edit").doc(t)
		ids := doc.Find(`[data-testid="picture"]`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-image-id", "") })
		form := doc.Find(`form[action="` + p + `/images/order"]`)
		if form.Length() != 1 {
			t.Fatal("no reorder form")
		}
		order := url.Values{}
		form.Find(`input[name="image"]`).Each(func(_ int, in *goquery.Selection) { order.Add("image", in.AttrOr("value", "")) })
		expectRedirect(t, c.post(p+"/images/order", order), http.StatusSeeOther, p+"/edit")
		after := c.get(p + "/edit").doc(t).Find(`[data-testid="picture"]`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-image-id", "") })
		if after[0] != ids[1] || after[1] != ids[0] {
			t.Fatalf("order %v -> %v", ids, after)
		}
		if guest.get("/products").doc(t).Find(`#products img`).First().AttrOr("alt", "") != "Blue vase, view 2" {
			t.Fatal("the cover did not follow the new order")
		}
		expectStatus(t, c.post(p+"/images/order", url.Values{"image": {ids[0]}}), http.StatusConflict)
		expectRedirect(t, c.post(p+"/images/"+ids[0]+"/delete", nil), http.StatusSeeOther, p+"/edit")
		if n := imageCount(t, s, id); n != 1 {
			t.Fatalf("%d images after delete", n)
		}
	})

	t.Run("AtMostEight", func(t *testing.T) {
		files := map[string][]byte{}
		for i := range 8 {
			files["p"+strconv.Itoa(i)+".png"] = testPNG(t, 10+i, 10)
		}
		c.get(p + "/edit")
		r := c.postFiles(p+"/images", files, nil)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if n := imageCount(t, s, id); n != 1 {
			t.Fatalf("%d images", n)
		}
	})
}

// listen serves the shop's app on a loopback port, for requests app.Test
// cannot make (bodies over its own limit).
func (s *shop) listen() string {
	s.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	go func() { _ = s.app.Listener(ln) }()
	s.t.Cleanup(func() { _ = s.app.Shutdown() })
	return ln.Addr().String()
}

// postFilesTo uploads one file to the server at addr as this client and
// returns the status.
func (c *client) postFilesTo(addr, target, name string, data []byte) int {
	t := c.shop.t
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("image", name)
	part.Write(data)
	w.Close()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+target, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// postHeadersOnly sends an upload's headers announcing n bytes of multipart
// body and nothing more: the server refuses a body over its limit from the
// headers alone (a refusal ends the connection before a body could be sent).
func (c *client) postHeadersOnly(addr, target string, n int) int {
	t := c.shop.t
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cookies []string
	for k, v := range c.cookies {
		cookies = append(cookies, k+"="+v)
	}
	head := "POST " + target + " HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n" +
		"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: " + strconv.Itoa(n) + "\r\n" +
		"X-CSRF-Token: " + c.csrf + "\r\nCookie: " + strings.Join(cookies, "; ") + "\r\n\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
