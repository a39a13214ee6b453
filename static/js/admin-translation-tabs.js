// The part of the jQuery UI tabs widget that modeltranslation's tabbed admin uses:
// `$(el).tabs({active: n})`, `$(el).tabs("option", "active", n)` and the `tabsactivate`
// event. Served from our own static files because jQuery UI would otherwise come from a
// CDN, which the Hub's CSP ("script-src 'self'") and privacy rules do not allow.
// Tabs follow the WAI-ARIA tabs pattern: arrow keys, Home and End move between them.
(function ($) {
  "use strict";
  if (!$ || $.fn.tabs) { return; }
  var counter = 0;

  function parts($container) {
    var $tabs = $container.children("ul").first().children("li");
    return {
      $tabs: $tabs,
      $panels: $tabs.map(function () {
        var href = $(this).children("a").attr("href") || "";
        return document.getElementById(href.slice(1));
      })
    };
  }

  function activate($container, index, focus) {
    var p = parts($container);
    if (!p.$tabs.length) { return; }
    index = Math.max(0, Math.min(parseInt(index, 10) || 0, p.$tabs.length - 1));
    var previous = $container.data("hubTabsActive");
    p.$tabs.each(function (i) {
      var selected = i === index;
      $(this).toggleClass("ui-tabs-active ui-state-active", selected)
        .children("a").attr({"aria-selected": selected ? "true" : "false",
                             tabindex: selected ? "0" : "-1"});
    });
    p.$panels.each(function (i) {
      $(this).toggleClass("ui-tabs-hide", i !== index).prop("hidden", i !== index);
    });
    $container.data("hubTabsActive", index);
    if (focus) { p.$tabs.eq(index).children("a").trigger("focus"); }
    if (previous !== undefined && previous !== index) {
      $container.trigger("tabsactivate", [{
        newTab: p.$tabs.eq(index), oldTab: p.$tabs.eq(previous),
        newPanel: p.$panels.eq(index), oldPanel: p.$panels.eq(previous)
      }]);
    }
  }

  function init($container, options) {
    var p = parts($container);
    $container.addClass("ui-tabs ui-widget");
    $container.children("ul").first().addClass("ui-tabs-nav").attr("role", "tablist");
    p.$tabs.each(function (i) {
      var $a = $(this).children("a");
      var tabId = $a.attr("id") || "hub-tab-" + (++counter);
      $(this).addClass("ui-state-default").attr("role", "presentation");
      $a.attr({id: tabId, role: "tab", "aria-controls": $a.attr("href").slice(1)});
      $(p.$panels[i]).addClass("ui-tabs-panel").attr({role: "tabpanel",
                                                       "aria-labelledby": tabId});
    });
    $container.on("click", "> ul > li > a", function (event) {
      event.preventDefault();
      activate($container, $(this).parent().index(), false);
    });
    $container.on("keydown", "> ul > li > a", function (event) {
      var count = parts($container).$tabs.length;
      var current = $(this).parent().index();
      var rtl = $container.css("direction") === "rtl";
      var next = {
        ArrowRight: current + (rtl ? -1 : 1), ArrowLeft: current + (rtl ? 1 : -1),
        Home: 0, End: count - 1
      }[event.key];
      if (next === undefined) { return; }
      event.preventDefault();
      activate($container, (next + count) % count, true);
    });
    activate($container, (options && options.active) || 0, false);
  }

  $.fn.tabs = function (options, name, value) {
    if (options === "option") {
      if (name !== "active") { return this; }
      if (value === undefined) { return this.first().data("hubTabsActive"); }
      return this.each(function () { activate($(this), value, false); });
    }
    return this.each(function () { init($(this), options); });
  };
})(window.jQuery || (window.django && window.django.jQuery));
