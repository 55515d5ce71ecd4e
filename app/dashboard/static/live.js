// Keeps each [data-live] element of the page up to date while it is open:
// every second the page asks the server for that element alone (the
// X-Fragment header names it) and puts it in place if it changed.
(function () {
  const live = document.querySelectorAll("[data-live]");
  async function refresh() {
    for (const element of live) {
      try {
        const answer = await fetch(location.href, {headers: {"X-Fragment": element.id}});
        if (answer.ok) {
          const html = await answer.text();
          if (html !== element.innerHTML) element.innerHTML = html;
        }
      } catch (e) { /* the server is away for a moment: try again */ }
    }
    setTimeout(refresh, 1000);
  }
  if (live.length) setTimeout(refresh, 1000);
})();
