using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RedemptionsAndAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "EmailedAt",
                table: "Alerts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Participants_CashBalanceMinor",
                table: "Participants",
                column: "CashBalanceMinor");

            migrationBuilder.CreateIndex(
                name: "IX_Participants_PointsBalance",
                table: "Participants",
                column: "PointsBalance");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Participants_CashBalanceMinor",
                table: "Participants");

            migrationBuilder.DropIndex(
                name: "IX_Participants_PointsBalance",
                table: "Participants");

            migrationBuilder.DropColumn(
                name: "EmailedAt",
                table: "Alerts");
        }
    }
}
