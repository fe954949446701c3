using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_Rewards_Stock",
                table: "Rewards");

            migrationBuilder.DropCheckConstraint(
                name: "CK_Participants_Balances",
                table: "Participants");

            migrationBuilder.AddCheckConstraint(
                name: "CK_Rewards_Stock",
                table: "Rewards",
                sql: "\"Stock\" IS NULL OR \"Stock\" >= 0");

            migrationBuilder.AddCheckConstraint(
                name: "CK_Participants_Balances",
                table: "Participants",
                sql: "\"PointsBalance\" >= 0 AND \"CashBalanceMinor\" >= 0");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_CompletedAt",
                table: "Deliveries",
                column: "CompletedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_Rewards_Stock",
                table: "Rewards");

            migrationBuilder.DropCheckConstraint(
                name: "CK_Participants_Balances",
                table: "Participants");

            migrationBuilder.DropIndex(
                name: "IX_Deliveries_CompletedAt",
                table: "Deliveries");

            migrationBuilder.AddCheckConstraint(
                name: "CK_Rewards_Stock",
                table: "Rewards",
                sql: "Stock IS NULL OR Stock >= 0");

            migrationBuilder.AddCheckConstraint(
                name: "CK_Participants_Balances",
                table: "Participants",
                sql: "PointsBalance >= 0 AND CashBalanceMinor >= 0");
        }
    }
}
