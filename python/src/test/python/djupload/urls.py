import hashlib

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


def digest(data):
    return "%d %s" % (len(data), hashlib.sha256(data).hexdigest())


@csrf_exempt
def upload(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    lines = []
    for name in sorted(request.FILES):
        for uploaded in request.FILES.getlist(name):
            sha = hashlib.sha256()
            size = 0
            for chunk in uploaded.chunks():
                sha.update(chunk)
                size += len(chunk)
            lines.append("file %s %s %d %s %s" % (name, uploaded.name, size, sha.hexdigest(),
                                                   type(uploaded).__name__))
    for name in sorted(request.POST):
        lines.append("field %s %s" % (name, digest(request.POST[name].encode("utf-8"))))
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@csrf_exempt
def body(request):
    return HttpResponse(digest(request.body) + "\n", content_type="text/plain")


urlpatterns = [
    path("upload", upload),
    path("body", body),
]
