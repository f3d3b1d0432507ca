from django.http import HttpResponse, JsonResponse
from django.urls import path


def index(request):
    return HttpResponse("Hello from Django")


def info(request):
    return JsonResponse({"framework": "django", "path": request.path, "script_name": request.META["SCRIPT_NAME"],
                         "method": request.method, "query": request.GET.dict()})


def absolute(request):
    return HttpResponse(request.build_absolute_uri())


urlpatterns = [
    path("", index),
    path("info", info),
    path("absolute", absolute),
]
