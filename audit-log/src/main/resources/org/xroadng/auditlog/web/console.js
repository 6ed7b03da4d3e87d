// Progressive enhancement only: every page works without it. Shows each <time datetime> in the
// viewer's own time zone, as dd/MM/yyyy HH:mm:ss (the page says UTC until this runs).
document.addEventListener('DOMContentLoaded', function () {
  function two(n) { return (n < 10 ? '0' : '') + n; }
  document.querySelectorAll('time[datetime]').forEach(function (el) {
    var d = new Date(el.getAttribute('datetime'));
    if (isNaN(d.getTime())) { return; }
    el.title = el.textContent;
    el.textContent = two(d.getDate()) + '/' + two(d.getMonth() + 1) + '/' + d.getFullYear() + ' '
      + two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  });
});
