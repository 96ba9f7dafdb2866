from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from partners.admin import StaffMembershipInline

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [StaffMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "staff_memberships__role"]
