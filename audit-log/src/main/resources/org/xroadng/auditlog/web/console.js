// Progressive enhancement only: every page works without it (times then read in UTC, and say so).
// Tells the server the viewer's time zone in a cookie, so later pages are rendered in it (ViewerZone);
// a page rendered in another zone (the first one, or without cookies) has each <time datetime>
// rewritten here in the viewer's zone, as dd/MM/yyyy HH:mm:ss.
(function () {
  var zone = '';
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { zone = ''; }
  if (/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+){0,2}$/.test(zone)) {
    document.cookie = 'xroad-tz=' + zone + '; Path=/; Max-Age=31536000; SameSite=Strict'
      + (location.protocol === 'https:' ? '; Secure' : '');
  }
  document.addEventListener('DOMContentLoaded', function () {
    var rendered = document.documentElement.getAttribute('data-zone');
    if (rendered && (rendered === zone || (rendered === 'UTC' && new Date().getTimezoneOffset() === 0))) {
      return;
    }
    function two(n) { return (n < 10 ? '0' : '') + n; }
    document.querySelectorAll('time[datetime]').forEach(function (el) {
      var d = new Date(el.getAttribute('datetime'));
      if (isNaN(d.getTime())) { return; }
      el.title = el.textContent;
      el.textContent = two(d.getDate()) + '/' + two(d.getMonth() + 1) + '/' + d.getFullYear() + ' '
        + two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
    });
  });
})();
