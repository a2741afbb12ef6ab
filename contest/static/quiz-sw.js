// The quiz pages' service worker, served as /bai-thi/sw.js so that its scope is /bai-thi/ only.
// It keeps a copy of the open attempt's page and of the files that page uses, so that a reload
// without a connection still shows the questions (quiz.js then puts back the choices kept on
// the device and counts down to the server's deadline). The page always comes from the network
// first: the copy is served only when the network cannot be reached.
"use strict";

var PAGES = "quiz-pages-v1";
var FILES = "quiz-files-v1";
var ATTEMPT_PAGE = /^\/bai-thi\/\d+$/;
var RESULT_PAGE = /^\/bai-thi\/(\d+)\/ket-qua$/;
var OFFLINE_PAGE = '<!doctype html><html lang="vi"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  "<title>Không có kết nối · Thi Trực Tuyến</title></head><body><main>" +
  "<h1>Không có kết nối mạng</h1>" +
  "<p>Trang bài thi này chưa được lưu trên máy, nên chưa thể mở khi không có mạng.</p>" +
  "<p>Hãy kiểm tra kết nối rồi tải lại trang. Thời gian làm bài vẫn tính theo máy chủ; " +
  "các câu đã chọn trên máy này sẽ được gửi khi có mạng trở lại.</p></main></body></html>";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== PAGES && name !== FILES;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // saves and the hand-in always go to the server
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && ATTEMPT_PAGE.test(url.pathname)) {
    event.respondWith(attemptPage(request, url));
  } else if (request.mode === "navigate" && RESULT_PAGE.test(url.pathname)) {
    // The attempt is over: its copy is no longer needed on this device.
    event.waitUntil(caches.open(PAGES).then(function (cache) {
      return cache.delete(url.origin + "/bai-thi/" + RESULT_PAGE.exec(url.pathname)[1]);
    }));
  } else if (url.pathname.indexOf("/static/") === 0 && url.searchParams.has("v")) {
    event.respondWith(versionedFile(request));
  }
});

// Network first; the copy only when the network fails. A redirect (the attempt has closed) or
// an error is passed on as it is and drops the copy.
function attemptPage(request, url) {
  var key = url.origin + url.pathname;
  return fetch(request).then(function (response) {
    var kept = response.status === 200 && response.type === "basic" ? response.clone() : null;
    caches.open(PAGES).then(function (cache) {
      return kept ? cache.put(key, kept) : cache.delete(key);
    });
    return response;
  }, function () {
    return caches.open(PAGES).then(function (cache) { return cache.match(key); })
      .then(function (copy) { return copy ? replayed(copy) : offlinePage(); });
  });
}

// The kept copy, marked so that quiz.js knows its time left and choices are not fresh.
function replayed(copy) {
  return copy.text().then(function (html) {
    return new Response(html.replace('data-served="network"', 'data-served="copy"'), {
      status: 200, headers: copy.headers
    });
  });
}

function offlinePage() {
  return new Response(OFFLINE_PAGE, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'",
      "Cache-Control": "no-store"
    }
  });
}

// Files named by their content's hash (?v=…) never change: the kept one is as good as new.
function versionedFile(request) {
  return caches.open(FILES).then(function (cache) {
    return cache.match(request).then(function (kept) {
      return kept || fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

// The page's first visit happens before this worker controls it: the page then sends its own
// address (without query or fragment) to be kept, the page fetched once more in the background.
// Every visit sends the page's files; files of older versions are dropped so the copy stays small.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.files)) return;
  var page = data.page && ATTEMPT_PAGE.test(new URL(data.page).pathname) ? data.page : null;
  event.waitUntil(Promise.all([
    caches.open(FILES).then(function (cache) {
      return cache.addAll(data.files).then(function () { return cache.keys(); })
        .then(function (kept) {
          return Promise.all(kept.filter(function (request) {
            return data.files.indexOf(request.url) === -1;
          }).map(function (request) { return cache.delete(request); }));
        });
    }),
    page && fetch(page, { credentials: "same-origin" }).then(function (response) {
      if (response.status === 200 && !response.redirected) {
        return caches.open(PAGES).then(function (cache) { return cache.put(page, response); });
      }
    })
  ]).catch(function () { /* offline already: nothing to keep */ }));
});
