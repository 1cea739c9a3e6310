"""Tenant-scoped CRUD. No view filters by tenant: the database does (schema or RLS), so a
view that forgets a filter still cannot leak. Access needs membership (the default
permission, IsTenantMember)."""

from rest_framework import viewsets

from .models import Project, Task
from .serializers import ProjectSerializer, TaskSerializer


class ProjectViewSet(viewsets.ModelViewSet):
    queryset = Project.objects.order_by("id")
    serializer_class = ProjectSerializer


class TaskViewSet(viewsets.ModelViewSet):
    queryset = Task.objects.order_by("id")
    serializer_class = TaskSerializer
