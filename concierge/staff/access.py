"""The gate in front of every staff page: sign-in, then `concierge` group, else 403."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache

from concierge.access import is_concierge


def concierge_required(view):
    """Anonymous → sign-in page; signed in but not in the concierge group → 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_concierge(request.user):
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        # Browsers send `Origin: null` with forms from a `no-referrer` page, which Django's
        # CSRF check refuses; within the site the referrer may go, never to other sites.
        response["Referrer-Policy"] = "same-origin"
        return response

    # Ticket pages hold personal data: never stored by the browser or a proxy.
    return never_cache(wrapper)
